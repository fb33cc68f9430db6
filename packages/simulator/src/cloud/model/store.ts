/**
 * The Cloud dataset in compact form: columns of numbers per repository. Objects (JSON shapes) are rendered
 * from these columns and the seed on demand (see ../render).
 */
import { Column } from './columns.js';
import type { DeploymentWorld } from './deployments.js';

/** Commit kinds: a plain default-branch commit, a pull request's source commit, or a merge commit. */
export const CommitKind = { Plain: 0, Side: 1, Merge: 2 } as const;
export type CommitKind = (typeof CommitKind)[keyof typeof CommitKind];

/**
 * Every commit object of a repository (default branch, merged and unmerged pull request branches). Row index
 * = storage id; the hash is derived from (seed, repository key, storage id). Times are milliseconds, whole
 * seconds (git dates have second precision), strictly increasing from parent to child.
 */
export class CommitStore {
  readonly time = new Column(Float64Array);
  readonly parent1 = new Column(Int32Array);
  readonly parent2 = new Column(Int32Array);
  readonly author = new Column(Uint16Array);
  /** Owning pull request index + 1 for side and merge commits, else 0. */
  readonly pr = new Column(Int32Array);
  readonly kind = new Column(Uint8Array);

  get length(): number {
    return this.time.length;
  }

  add(time: number, parent1: number, parent2: number, author: number, kind: CommitKind, pr: number): number {
    this.time.push(time);
    this.parent1.push(parent1);
    this.parent2.push(parent2);
    this.author.push(author);
    this.kind.push(kind);
    return this.pr.push(pr);
  }
}

/** Pull request states in column form (index into PR_STATES). */
export const PR_STATES = ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'] as const;
export type PullRequestState = (typeof PR_STATES)[number];
export const PrState = { Open: 0, Merged: 1, Declined: 2, Superseded: 3 } as const;

/** An activity event added after generation (control API). Generated events are derived (./activity.ts). */
export interface AddedEvent {
  readonly kind: 'update' | 'approval' | 'changes_request' | 'comment' | 'unapproval';
  /** Microseconds since the epoch. */
  readonly at: number;
  readonly user: number;
  readonly state?: PullRequestState;
  readonly commentId?: number;
  readonly text?: string;
  readonly inline?: { readonly path: string; readonly to: number };
  readonly parentId?: number;
  /** For updates: the title and description at that moment. */
  readonly title?: string;
  /** For updates that retitled the pull request: the title before (rendered as `changes.title.old`). */
  readonly previousTitle?: string;
}

/**
 * What a generated pull request's derived activity is drawn from, as it was at generation. The control API
 * changes a pull request's columns (state, closing time, closer); its past must not move with them, so the
 * columns' generation-time values are kept here before the first such change.
 */
export interface GenerationSeed {
  readonly state: number;
  readonly closed: number;
  readonly closedBy: number;
  readonly reviewers: readonly number[];
}

/** A comment's edit or deletion: what `/comments` and the activity log show afterwards. */
export interface CommentChange {
  /** The text now (deleted comments keep their last text; Bitbucket renders them `deleted: true`). */
  readonly text: string;
  /** Microseconds: the comment's `updated_on`. */
  readonly at: number;
  readonly deleted: boolean;
}

/** Pull requests of one repository; index = id - 1. Times are microseconds since the epoch. */
export class PullRequestStore {
  readonly state: number[] = [];
  readonly author: number[] = [];
  readonly created: number[] = [];
  readonly updated: number[] = [];
  /** Merge / decline time (microseconds), 0 while open. */
  readonly closed: number[] = [];
  readonly closedBy: number[] = [];
  /** Storage id of the source branch tip. */
  readonly tip: number[] = [];
  /** Storage id of the destination commit the pull request was last compared with. */
  readonly dest: number[] = [];
  /** Storage id of the merge commit, or -1. */
  readonly merge: number[] = [];
  readonly salt: number[] = [];
  /** 1 when the source branch was closed on merge / deleted. */
  readonly closeSource: number[] = [];
  /** First comment id of the generated comments; generated comments are commentBase .. commentBase+n-1. */
  readonly commentBase: number[] = [];
  readonly generatedComments: number[] = [];
  /** 1 for generated pull requests (activity derived from the seed), 0 for ones opened through the control API. */
  readonly generated: number[] = [];
  /** Reviewer member indices (generated at creation, changed by the control API). */
  readonly reviewers: number[][] = [];
  /** Events added by the control API, by PR index. */
  readonly added = new Map<number, AddedEvent[]>();
  /** Titles changed by the control API, by PR index. */
  readonly titles = new Map<number, string>();
  /** Descriptions changed by the control API, by PR index. */
  readonly descriptions = new Map<number, string>();
  /** Comments edited or deleted through the control API, by comment id (ids are global). */
  readonly commentChanges = new Map<number, CommentChange>();
  /** Pull requests opened from a fork through the control API (generated ones: see `isForkPullRequest`). */
  readonly forks = new Set<number>();
  /** Generation-time columns of pull requests the control API changed since (see GenerationSeed). */
  readonly seeds = new Map<number, GenerationSeed>();

  /** The generation-time columns of pull request `index` (its current ones until the control API changes them). */
  seedOf(index: number): GenerationSeed {
    return (
      this.seeds.get(index) ?? {
        state: this.state[index] as number,
        closed: this.closed[index] as number,
        closedBy: this.closedBy[index] as number,
        reviewers: this.reviewers[index] as number[],
      }
    );
  }

  /** Keeps the generation-time columns of pull request `index` before the control API changes them. */
  keepSeed(index: number): void {
    if (!this.seeds.has(index)) this.seeds.set(index, { ...this.seedOf(index), reviewers: [...(this.reviewers[index] as number[])] });
  }

  get length(): number {
    return this.state.length;
  }
}

export const PIPELINE_STATES = ['PENDING', 'IN_PROGRESS', 'PAUSED', 'COMPLETED'] as const;
export const PIPELINE_RESULTS = ['', 'SUCCESSFUL', 'FAILED', 'STOPPED', 'ERROR', 'EXPIRED'] as const;
export const PIPELINE_TRIGGERS = ['PUSH', 'MANUAL', 'SCHEDULED'] as const;

/** Pipelines of one repository; index = build_number - 1. Times are milliseconds. */
export class PipelineStore {
  readonly created: number[] = [];
  /** 0 while not completed. */
  readonly completed: number[] = [];
  /** Index into PIPELINE_STATES. */
  readonly state: number[] = [];
  /** Index into PIPELINE_RESULTS (0 = none). */
  readonly result: number[] = [];
  /** Index into PIPELINE_TRIGGERS. */
  readonly trigger: number[] = [];
  /** Storage id of the target commit. */
  readonly commit: number[] = [];
  /** Pull request index whose source branch is the target, or -1 for the default branch. */
  readonly pr: number[] = [];
  readonly creator: number[] = [];

  get length(): number {
    return this.created.length;
  }
}

export interface Member {
  readonly index: number;
  readonly uuid: string;
  readonly accountId: string;
  displayName: string;
  readonly nickname: string;
  readonly email: string;
  /** Microseconds. */
  readonly createdOn: number;
  readonly isAdmin: boolean;
  /** Still a member of the workspace (removed members keep authoring old pull requests). */
  active: boolean;
  /** `app_user`: a bot (an access token's or an app's account); never a workspace member (see ./bots.ts). */
  readonly accountType?: 'app_user';
}

export interface Project {
  readonly index: number;
  readonly uuid: string;
  readonly key: string;
  readonly name: string;
  readonly createdOn: number;
}

export interface RepositoryState {
  readonly index: number;
  /** Salt for everything derived from this repository (hashes, texts). */
  readonly key: number;
  readonly uuid: string;
  slug: string;
  name: string;
  readonly project: number;
  readonly description: string;
  readonly language: string;
  readonly isPrivate: boolean;
  readonly mainbranch: string;
  /** Microseconds. */
  readonly createdOn: number;
  updatedOn: number;
  deleted: boolean;
  /** Storage id of the default branch tip. */
  head: number;
  readonly commits: CommitStore;
  readonly pullRequests: PullRequestStore;
  readonly pipelines: PipelineStore;
  /** Bumped on every change, to invalidate derived caches. */
  version: number;
}

export interface WorkspaceInfo {
  readonly uuid: string;
  readonly slug: string;
  readonly name: string;
  readonly createdOn: number;
}

/** The whole Cloud dataset. */
export interface CloudData {
  readonly seed: number;
  readonly workspace: WorkspaceInfo;
  readonly projects: Project[];
  readonly members: Member[];
  readonly repositories: RepositoryState[];
  /** Next free pull request comment id (ids are global, as on bitbucket.org). */
  nextCommentId: number;
  /**
   * Members at generation: generated activity picks people among these, so members added later do not
   * change who wrote old comments. Absent in hand-made datasets (then every member counts).
   */
  readonly generatedMembers?: number;
  /** Events per pull request comment count: generated comments per PR are at most this. */
  readonly maxGeneratedComments: number;
  /** Simulated time (ms) the dataset was generated at: generated records are older. */
  readonly generatedAt: number;
  /** Environments, deployments, pipeline steps and custom pipelines (./deployments.ts). */
  readonly deployments: DeploymentWorld;
}
