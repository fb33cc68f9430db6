/** Public types of the Data Center simulator: options, the control API and the ground truth. */
import type { SimCredential, SimFaults, SimRateLimits, SimSize, SimSwitches } from '../api.js';
import type { SimClock } from '../clock.js';
import type { RestApplicationUser, RestComment, RestCommit, RestMinimalRef, RestProject, RestPullRequest, RestPullRequestActivity, RestRepository } from './rest.js';

export interface DataCenterSimulatorOptions {
  readonly seed: number;
  /** Resolved sizes. */
  readonly size: SimSize;
  readonly switches: SimSwitches;
  readonly faults?: SimFaults;
  readonly rateLimits?: SimRateLimits;
  /** Shared simulated time (timestamps of generated data end just before `clock.now()`). */
  readonly clock: SimClock;
  /** Context path the API lives under. @default '/bitbucket' */
  readonly contextPath?: string;
}

/** A repository named by project key and slug. */
export interface RepoSelector {
  readonly projectKey: string;
  readonly slug: string;
}

/** A pull request named by repository and id. */
export interface PullRequestSelector extends RepoSelector {
  readonly id: number;
}

export type ReviewStatus = 'APPROVED' | 'UNAPPROVED' | 'NEEDS_WORK';

/**
 * Mutations of the simulated Data Center. Every method takes one options object (so the HTTP control API is
 * `POST /_sim/datacenter/<method>` with that object as JSON). Timestamps come from the shared SimClock; users
 * are named by slug; pull request mutations bump `updatedDate`.
 */
export interface DataCenterControl {
  /** Pushes `count` (default 1) commits to a branch (default: the default branch); `merge` also pushes a merge commit. Returns the new commits, newest first. */
  pushCommits(o: RepoSelector & { count?: number; branch?: string; merge?: boolean; author?: string; message?: string }): RestCommit[];
  /**
   * Rewrites a branch (default: the default branch): drops its last `drop` first-parent commits and adds `add`
   * (default 1) new ones. Dropped commits that no other branch reaches are garbage collected (unknown to the API)
   * unless `keepObjects`.
   */
  forcePush(o: RepoSelector & { drop: number; add?: number; branch?: string; keepObjects?: boolean }): { dropped: string[]; added: RestCommit[] };
  /** Configures the default branch (the branch need not exist). */
  setDefaultBranch(o: RepoSelector & { branch: string }): RestMinimalRef;
  /** Creates a branch at a revision (default: the default branch's tip). */
  createBranch(o: RepoSelector & { branch: string; from?: string }): void;
  createProject(o: { key: string; name?: string; restricted?: boolean }): RestProject;
  /** Creates a repository (empty unless `commits` > 0). */
  createRepository(o: { projectKey: string; name: string; commits?: number }): RestRepository;
  deleteRepository(o: RepoSelector): void;
  /** Deletes a project and its repositories. */
  deleteProject(o: { projectKey: string }): void;
  /** `fromFork`: the source branch is in the author's personal fork (`fromRef.repository.origin` is this repository). */
  openPullRequest(o: RepoSelector & { title?: string; description?: string; author?: string; reviewers?: string[]; commits?: number; fromBranch?: string; fromFork?: boolean }): RestPullRequest;
  /**
   * Edits a pull request: title/description/reviewers (UPDATED), `pushCommits` to its source (RESCOPED), or
   * `rewriteSource` (force-push the source: old commits gone; an open pull request is rescoped, a closed one's
   * `/commits` answers 404 afterwards).
   */
  updatePullRequest(o: PullRequestSelector & { user?: string; title?: string; description?: string; addReviewers?: string[]; removeReviewers?: string[]; pushCommits?: number; rewriteSource?: boolean }): RestPullRequest;
  reviewPullRequest(o: PullRequestSelector & { user: string; status: ReviewStatus }): RestPullRequest;
  approvePullRequest(o: PullRequestSelector & { user: string }): RestPullRequest;
  /** Adds a comment (or a reply with `replyTo`), or edits comment `edit`. */
  /**
   * Adds a comment (`replyTo` a comment), edits one (`edit`: COMMENTED/EDITED, `version` + 1) or deletes one
   * (`delete`: COMMENTED/DELETED; it leaves `/activities`' comment threads; 409 while it has replies).
   */
  commentPullRequest(o: PullRequestSelector & { user?: string; text?: string; replyTo?: number; edit?: number; delete?: number }): RestComment;
  mergePullRequest(o: PullRequestSelector & { user?: string }): RestPullRequest;
  declinePullRequest(o: PullRequestSelector & { user?: string }): RestPullRequest;
  reopenPullRequest(o: PullRequestSelector & { user?: string }): RestPullRequest;
  /** Adds a user; `projects` are project keys the user may write to. Returns the user and a Basic credential. */
  addUser(o: { slug: string; displayName?: string; emailAddress?: string; password?: string; sysAdmin?: boolean; projects?: string[]; service?: boolean }): { user: RestApplicationUser; credential: SimCredential };
  removeUser(o: { slug: string }): void;
  /** Creates (or moves) a tag at a revision (default: the default branch's tip). */
  createTag(o: RepoSelector & { name: string; at?: string; annotated?: boolean }): Record<string, unknown>;
  deleteTag(o: RepoSelector & { name: string }): void;
  /** Creates an HTTP access token; returns a credential whose description is `label`. */
  createToken(o: { label: string; kind: 'personal' | 'project' | 'repository'; user?: string; projectKey?: string; slug?: string; projectPermission?: 'PROJECT_READ' | 'PROJECT_WRITE' | 'PROJECT_ADMIN' | null; repositoryPermission?: 'REPO_READ' | 'REPO_WRITE' | 'REPO_ADMIN' | null }): SimCredential;
  revokeToken(o: { label: string }): void;
  /** Maintenance mode: every API request answers 503 with the HTML maintenance page. */
  setMaintenance(o: { on: boolean }): void;
  /** Replaces the fault configuration at run time (undefined = none). */
  setFaults(o: { faults?: SimFaults }): void;
  /** Empties every rate-limit bucket's history (buckets start full again). */
  resetRateLimits(): void;
}

/** Every record a full sync (as `admin`) must produce, in API shape. */
export interface DataCenterTruth {
  readonly projects: RestProject[];
  /** With the configured default branch (display id) and its ref. */
  readonly repositories: (RestRepository & { defaultBranch: string; defaultBranchRef: RestMinimalRef })[];
  /** Default-branch commits (merges included) by repository id, newest first. */
  readonly commits: Record<number, RestCommit[]>;
  /** Pull requests in every state by repository id, by pull request id. */
  readonly pullRequests: Record<number, RestPullRequest[]>;
  /** Activities by `${repositoryId}/${pullRequestId}`, newest first. */
  readonly activities: Record<string, RestPullRequestActivity[]>;
  /** Pull request commits by `${repositoryId}/${pullRequestId}`, newest first (absent when they are gone). */
  readonly prCommits: Record<string, RestCommit[]>;
  readonly users: RestApplicationUser[];
  /** Tags by repository id, as `/tags` lists them (MODIFICATION order: newest commit first). */
  readonly tags: Record<number, Record<string, unknown>[]>;
}
