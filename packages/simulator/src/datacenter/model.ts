/**
 * The Data Center dataset in memory. Small collections (users, projects, repositories) are plain records; the big
 * ones are columns: commits live in `CommitStore` (one row per commit, ids derived from the row number) and pull
 * requests in `PullRequestStore` (one row per pull request; reviewers, comments and activities are derived from the
 * seed on demand, and only pull requests changed through the control API are kept as full records).
 */
import { Float64Column, Int32Column, Uint8Column } from './columns.js';
import { commitHash } from './hash.js';

export interface UserRecord {
  readonly idx: number;
  readonly id: number;
  /** The username (`name` in the API). */
  readonly name: string;
  readonly slug: string;
  displayName: string;
  emailAddress: string;
  /** Login password for Basic auth (simulator only; never logged). */
  password: string;
  sysAdmin: boolean;
  /** Deleted users vanish from `/users`; their commits fall back to raw git author data. */
  deleted: boolean;
  /** A service user (`type: SERVICE`): bots, integrations. */
  readonly service?: boolean;
}

export interface ProjectRecord {
  readonly idx: number;
  readonly id: number;
  readonly key: string;
  name: string;
  description: string;
  /** Only members (and system administrators) can see a restricted project. */
  restricted: boolean;
  /** Users with PROJECT_WRITE (and REPO_WRITE on its repositories). */
  readonly writers: Set<number>;
  deleted: boolean;
}

export interface RepositoryRecord {
  readonly idx: number;
  readonly id: number;
  projectIdx: number;
  readonly slug: string;
  name: string;
  readonly hierarchyId: string;
  /** Configured default branch, a full ref (`refs/heads/main`); it may not exist (empty repository, or renamed). */
  defaultBranch: string;
  /** The default branch when the dataset was generated: the target of every generated pull request. */
  readonly generatedDefaultBranch: string;
  /** Commit rows of this repository in creation order (a topological order: parents first). */
  readonly commits: number[];
  /** Branches: full ref name to tip commit row. */
  readonly branches: Map<string, number>;
  /** Pull request rows in creation order. */
  readonly pullRequests: number[];
  nextPullRequestId: number;
  deleted: boolean;
}

/** Commit authors: `>= 0` is a user index, `< 0` is `-(k + 1)` for EXTERNAL_AUTHORS[k]. */
export type PersonCode = number;

/** One row per commit across all repositories. */
export class CommitStore {
  readonly repo = new Int32Column(1024);
  /** Index of the commit within its repository's `commits` list. */
  readonly local = new Int32Column(1024);
  readonly parent1 = new Int32Column(1024);
  readonly parent2 = new Int32Column(1024);
  readonly author = new Int32Column(1024);
  readonly committer = new Int32Column(1024);
  readonly authorTime = new Float64Column(1024);
  readonly commitTime = new Float64Column(1024);
  /** Pull request row a merge commit merged, or -1. */
  readonly mergedPullRequest = new Int32Column(1024);
  /** 1 while the object exists; 0 after a force-push dropped it and it was garbage collected. */
  readonly alive = new Uint8Column(1024);
  /** Messages set through the control API. */
  readonly customMessages = new Map<number, string>();
  readonly #seed: number;
  readonly #hashes = new Map<number, string>();
  /** Per repository: commit id to row, built on first lookup. */
  readonly #index = new Map<number, Map<string, number>>();

  constructor(seed: number) {
    this.#seed = seed;
  }

  get count(): number {
    return this.repo.length;
  }

  add(repository: RepositoryRecord, c: { parent1: number; parent2: number; author: PersonCode; committer: PersonCode; authorTime: number; commitTime: number; mergedPullRequest?: number; message?: string }): number {
    const row = this.repo.push(repository.idx);
    this.local.push(repository.commits.length);
    this.parent1.push(c.parent1);
    this.parent2.push(c.parent2);
    this.author.push(c.author);
    this.committer.push(c.committer);
    this.authorTime.push(c.authorTime);
    this.commitTime.push(c.commitTime);
    this.mergedPullRequest.push(c.mergedPullRequest ?? -1);
    this.alive.push(1);
    if (c.message !== undefined) this.customMessages.set(row, c.message);
    repository.commits.push(row);
    this.#index.get(repository.idx)?.set(this.hash(row), row);
    return row;
  }

  /** The 40-hex commit id of a row. */
  hash(row: number): string {
    let h = this.#hashes.get(row);
    if (h === undefined) {
      h = commitHash(this.#seed, row);
      if (this.#hashes.size > 200_000) this.#hashes.clear();
      this.#hashes.set(row, h);
    }
    return h;
  }

  /** The row of a live commit of this repository by full or abbreviated (>= 4 hex) id, or -1. */
  find(repository: RepositoryRecord, id: string): number {
    const lower = id.toLowerCase();
    if (!/^[0-9a-f]{4,40}$/.test(lower)) return -1;
    let index = this.#index.get(repository.idx);
    if (!index) {
      index = new Map();
      for (const row of repository.commits) index.set(this.hash(row), row);
      this.#index.set(repository.idx, index);
    }
    if (lower.length === 40) {
      const row = index.get(lower);
      return row !== undefined && this.alive.get(row) === 1 ? row : -1;
    }
    let found = -1;
    for (const [hash, row] of index) {
      if (hash.startsWith(lower) && this.alive.get(row) === 1) {
        if (found !== -1) return -1; // ambiguous abbreviation
        found = row;
      }
    }
    return found;
  }

  isMerge(row: number): boolean {
    return this.parent2.get(row) >= 0;
  }
}

export const PR_STATES = ['OPEN', 'MERGED', 'DECLINED'] as const;
export type PullRequestState = (typeof PR_STATES)[number];
export type ReviewerStatus = 'APPROVED' | 'UNAPPROVED' | 'NEEDS_WORK';

/** One row per pull request: what listing and sorting need without deriving the whole record. */
export class PullRequestStore {
  readonly repo = new Int32Column(1024);
  readonly localId = new Int32Column(1024);
  /** Index into PR_STATES. */
  readonly state = new Uint8Column(1024);
  readonly author = new Int32Column(1024);
  readonly created = new Float64Column(1024);
  readonly updated = new Float64Column(1024);
  /** NaN while open. */
  readonly closed = new Float64Column(1024);
  /** First commit row of the pull request's source branch at generation (rows are consecutive). */
  readonly commitFirst = new Int32Column(1024);
  readonly commitCount = new Int32Column(1024);
  /** Merge commit row for merged pull requests, else -1. */
  readonly mergeCommit = new Int32Column(1024);
  /** Pull requests changed through the control API, as full records. */
  readonly records = new Map<number, PullRequestRecord>();

  get count(): number {
    return this.repo.length;
  }

  add(p: { repo: number; localId: number; state: PullRequestState; author: number; created: number; updated: number; closed: number; commitFirst: number; commitCount: number; mergeCommit: number }): number {
    const row = this.repo.push(p.repo);
    this.localId.push(p.localId);
    this.state.push(PR_STATES.indexOf(p.state));
    this.author.push(p.author);
    this.created.push(p.created);
    this.updated.push(p.updated);
    this.closed.push(p.closed);
    this.commitFirst.push(p.commitFirst);
    this.commitCount.push(p.commitCount);
    this.mergeCommit.push(p.mergeCommit);
    return row;
  }

  stateOf(row: number): PullRequestState {
    return PR_STATES[this.state.get(row)] ?? 'OPEN';
  }
}

export interface ReviewerRecord {
  user: number;
  status: ReviewerStatus;
  /** Commit row the reviewer last reviewed, or -1. */
  lastReviewedCommit: number;
}

export interface CommentRecord {
  readonly id: number;
  readonly author: number;
  text: string;
  createdDate: number;
  updatedDate: number;
  version: number;
  readonly parentId: number | undefined;
  readonly replies: number[];
}

interface ActivityBase {
  readonly id: number;
  readonly createdDate: number;
  readonly user: number;
}
export type ActivityRecord =
  | (ActivityBase & { readonly action: 'OPENED' | 'DECLINED' | 'REOPENED' | 'APPROVED' | 'UNAPPROVED' | 'REVIEWED' })
  | (ActivityBase & { readonly action: 'MERGED'; readonly commit: number })
  | (ActivityBase & { readonly action: 'COMMENTED'; readonly commentAction: 'ADDED' | 'EDITED' | 'DELETED'; readonly commentId: number; readonly previousText?: string; readonly deleted?: CommentRecord })
  | (ActivityBase & { readonly action: 'RESCOPED'; readonly fromCommit: number; readonly previousFromCommit: number; readonly toCommit: number; readonly previousToCommit: number; readonly added: readonly number[]; readonly removed: readonly number[] })
  | (ActivityBase & { readonly action: 'UPDATED'; readonly addedReviewers: readonly number[]; readonly removedReviewers: readonly number[] });

/** A pull request with everything the API shows about it. */
export interface PullRequestRecord {
  readonly row: number;
  readonly repo: number;
  readonly id: number;
  title: string;
  description: string;
  state: PullRequestState;
  readonly author: number;
  readonly createdDate: number;
  updatedDate: number;
  closedDate: number | undefined;
  version: number;
  /** Source branch display id (`feature/x`). */
  readonly fromBranch: string;
  /** Target branch display id. */
  readonly toBranch: string;
  /** Commit rows of the pull request, oldest first. */
  commits: number[];
  /** Target tip when the pull request closed (while open the live branch tip is shown). */
  toCommitAtClose: number;
  /** The source was rewritten and the old commits are gone: `/commits` answers 404. */
  commitsGone: boolean;
  reviewers: ReviewerRecord[];
  /** Non-reviewer participants (commenters). */
  participants: ReviewerRecord[];
  readonly comments: Map<number, CommentRecord>;
  /** Oldest first. */
  readonly activities: ActivityRecord[];
  /** Opened from a fork through the control API (generated ones: `isForkPullRequest` decides from the row). */
  readonly fromFork?: boolean;
}

/** Full ref of a branch display id. */
export function branchRef(displayId: string): string {
  return displayId.startsWith('refs/') ? displayId : `refs/heads/${displayId}`;
}

/** Display id of a full ref. */
export function displayIdOf(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '');
}
