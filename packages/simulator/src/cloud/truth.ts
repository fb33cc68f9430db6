/**
 * Ground truth: every record a full sync must produce, in full API shape. Connector tests compare sets by id:
 * repositories by `uuid`, members by `user.uuid`, pull requests by (repository uuid, `id`), activity, comments
 * and PR commits by (repository uuid, pull request id), commits by `hash`, pipelines by `uuid`.
 * Each kind is computed when first read (large datasets hold a million commits).
 */
import { pullRequestEvents } from './model/activity.js';
import { commitHash, defaultBranchCommits, pipelineUuid, pullRequestCommits } from './model/derive.js';
import type { CloudData, Member, RepositoryState } from './model/store.js';
import { renderMembership, renderUser } from './render/accounts.js';
import { renderCommit } from './render/commit.js';
import type { RenderContext } from './render/context.js';
import { deploymentsNewestFirst, renderDeployment, renderEnvironment, renderSteps } from './render/deployment.js';
import { renderPipeline } from './render/pipeline.js';
import { renderActivity, renderComment, renderPullRequest } from './render/pullrequest.js';
import { renderRepository } from './render/repository.js';
import { sourceBranchGone, visibleActivity } from './routes/pullrequests.js';

export type CloudObject = Record<string, unknown>;

/** Key of per-pull-request truth: `${repositoryUuid}#${pullRequestId}`. */
export function pullRequestKey(repositoryUuid: string, id: number): string {
  return `${repositoryUuid}#${id}`;
}

export interface CloudTruth {
  readonly workspace: string;
  /** Live repositories (full objects). */
  readonly repositories: readonly CloudObject[];
  /** Current workspace memberships (without email). */
  readonly members: readonly CloudObject[];
  /** Full pull requests (with reviewers and participants), every state, by repository uuid. */
  readonly pullrequests: Readonly<Record<string, readonly CloudObject[]>>;
  /** Activity items, newest first as `/pullrequests/{id}/activity` lists them, by pullRequestKey. */
  readonly activity: Readonly<Record<string, readonly CloudObject[]>>;
  /** Comments, oldest first, by pullRequestKey. */
  readonly comments: Readonly<Record<string, readonly CloudObject[]>>;
  /** Pull request commits (newest first), by pullRequestKey; absent/empty where the source branch is gone. */
  readonly prCommits: Readonly<Record<string, readonly CloudObject[]>>;
  /** Default-branch commits (full hashes), newest first, by repository uuid. */
  readonly commits: Readonly<Record<string, readonly CloudObject[]>>;
  /** Pipelines by repository uuid, by build number. */
  readonly pipelines: Readonly<Record<string, readonly CloudObject[]>>;
  /** Deployment environments by repository uuid, by rank (none where the repository has none). */
  readonly environments: Readonly<Record<string, readonly CloudObject[]>>;
  /** Deployments API records by repository uuid, newest first (none where the repository has no environments). */
  readonly deployments: Readonly<Record<string, readonly CloudObject[]>>;
  /** Pipeline steps by repository uuid, then pipeline uuid (`…/pipelines/{uuid}/steps`, in order). */
  readonly pipelineSteps: Readonly<Record<string, Readonly<Record<string, readonly CloudObject[]>>>>;
  /** Bot accounts (`app_user`), as embedded in activity. */
  readonly bots: readonly CloudObject[];
}

/** Identifiers only (cheap even for `large`). */
export interface CloudTruthIds {
  readonly repositories: readonly string[];
  readonly members: readonly string[];
  /** By repository uuid: pull request ids. */
  readonly pullrequests: Readonly<Record<string, readonly number[]>>;
  /** By repository uuid: default-branch commit hashes, newest first. */
  readonly commits: Readonly<Record<string, readonly string[]>>;
  /** By repository uuid: pipeline count (build numbers 1..n). */
  readonly pipelines: Readonly<Record<string, number>>;
}

function live(data: CloudData): RepositoryState[] {
  return data.repositories.filter((r) => !r.deleted);
}

function perRepository<T>(data: CloudData, make: (repo: RepositoryState) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const repo of live(data)) out[repo.uuid] = make(repo);
  return out;
}

function perPullRequest<T>(data: CloudData, make: (repo: RepositoryState, index: number) => T | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const repo of live(data)) {
    for (let i = 0; i < repo.pullRequests.length; i++) {
      const value = make(repo, i);
      if (value !== undefined) out[pullRequestKey(repo.uuid, i + 1)] = value;
    }
  }
  return out;
}

/** Builds the truth lazily: each kind renders on first access and is then kept. */
export function groundTruth(ctx: RenderContext): CloudTruth {
  const data = ctx.data;
  const cache = new Map<string, unknown>();
  const lazy = <T>(name: string, make: () => T): T => {
    if (!cache.has(name)) cache.set(name, make());
    return cache.get(name) as T;
  };
  return {
    workspace: data.workspace.slug,
    get repositories() {
      return lazy('repositories', () => live(data).map((r) => renderRepository(ctx, r)));
    },
    get members() {
      return lazy('members', () => data.members.filter((m) => m.active).map((m: Member) => renderMembership(ctx, m, false)));
    },
    get pullrequests() {
      return lazy('pullrequests', () =>
        perRepository(data, (repo) => Array.from({ length: repo.pullRequests.length }, (_, i) => renderPullRequest(ctx, repo, i, pullRequestEvents(data, repo, i)))),
      );
    },
    get activity() {
      return lazy('activity', () =>
        perPullRequest(data, (repo, i) => visibleActivity(pullRequestEvents(data, repo, i)).reverse().map((e) => renderActivity(ctx, repo, i, e))),
      );
    },
    get comments() {
      return lazy('comments', () =>
        perPullRequest(data, (repo, i) =>
          pullRequestEvents(data, repo, i)
            .filter((e) => e.kind === 'comment')
            .sort((a, b) => (a.commentId as number) - (b.commentId as number))
            .map((e) => renderComment(ctx, repo, i, e)),
        ),
      );
    },
    get prCommits() {
      return lazy('prCommits', () =>
        perPullRequest(data, (repo, i) => (sourceBranchGone(repo, i) === 'no' ? pullRequestCommits(repo, i).map((id) => renderCommit(ctx, repo, id)) : [])),
      );
    },
    get commits() {
      return lazy('commits', () => perRepository(data, (repo) => defaultBranchCommits(repo).map((id) => renderCommit(ctx, repo, id))));
    },
    get pipelines() {
      return lazy('pipelines', () => perRepository(data, (repo) => Array.from({ length: repo.pipelines.length }, (_, i) => renderPipeline(ctx, repo, i))));
    },
    get environments() {
      return lazy('environments', () => perRepository(data, (repo) => data.deployments.of(repo).environments.map((environment) => renderEnvironment(ctx, repo, environment))));
    },
    get deployments() {
      return lazy('deployments', () => perRepository(data, (repo) => deploymentsNewestFirst(ctx, repo).map((run) => renderDeployment(ctx, repo, run))));
    },
    get pipelineSteps() {
      return lazy('pipelineSteps', () =>
        perRepository(data, (repo) => Object.fromEntries(Array.from({ length: repo.pipelines.length }, (_, i) => [pipelineUuid(data, repo, i), renderSteps(ctx, repo, i)]))),
      );
    },
    get bots() {
      return lazy('bots', () => data.members.filter((m) => m.accountType === 'app_user').map((m) => renderUser(ctx, m)));
    },
  };
}

export function groundTruthIds(data: CloudData): CloudTruthIds {
  return {
    repositories: live(data).map((r) => r.uuid),
    members: data.members.filter((m) => m.active).map((m) => m.uuid),
    pullrequests: perRepository(data, (repo) => Array.from({ length: repo.pullRequests.length }, (_, i) => i + 1)),
    commits: perRepository(data, (repo) => defaultBranchCommits(repo).map((id) => commitHash(data, repo, id))),
    pipelines: perRepository(data, (repo) => repo.pipelines.length),
  };
}
