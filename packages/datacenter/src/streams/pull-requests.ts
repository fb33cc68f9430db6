/**
 * `pull_requests`, `pull_request_activities`, `pull_request_commits`: one definition per repository, so one
 * cursor covers a pull request and its children and a crash between them cannot lose the children.
 *
 * The listing is `…/pull-requests?state=ALL&order=NEWEST&limit=pageSize`, with reviewers and participants as
 * it carries them. A pull request changed when its `updatedDate` is past the cursor's watermark (or equals it
 * with a version the cursor did not see). Only changed pull requests get their children:
 * - activities (`…/activities`, every page; newest first, clamped to 500 a page by default);
 * - commits (`…/commits`), and only when the source branch tip moved since they were last read (tracked for
 *   open pull requests); a 404 (the branch or commits are gone) is an expected absence.
 * How far the listing is read depends on what NEWEST was proven to sort by (see ./newest-order.ts): by updated
 * date, it stops at the first pull request older than the watermark (one page when nothing changed);
 * otherwise it is read to the end (still one page up to `pageSize` pull requests), which is correct for any
 * order. The cursor is committed when the partition ends, never mid-listing, since a newest-first listing
 * gives no point before which everything is written.
 */
import type { PartitionContext, StreamDefinition } from '@bbsync/core';
import type { DcActivity, DcCommit, DcPullRequest } from '../api-types.js';
import type { DataCenterConfig } from '../config.js';
import { listing } from '../listing.js';
import { NewestOrderEvidence, type NewestOrder } from '../newest-order.js';
import { activityRecord, OUTPUTS, pullRequestCommitRecord, pullRequestRecord } from '../outputs.js';
import { repositoryId, repositoryRef, requestContext, type RepositoryPartition } from '../partition.js';
import { pullRequestActivitiesPath, pullRequestCommitsPath, pullRequestsPath } from '../paths.js';

/** The pull request cursor of one repository. */
export interface PullRequestsCursor {
  readonly v: 1;
  /** The largest `updatedDate` processed (epoch ms). */
  readonly watermark: number;
  /** Pull requests whose `updatedDate` equals the watermark: id → version (a change in the same millisecond). */
  readonly edge: Readonly<Record<string, number>>;
  /** Open pull requests: id → source tip (`fromRef.latestCommit`) when their commits were last read. */
  readonly heads: Readonly<Record<string, string>>;
  /** What `order=NEWEST` was proven to sort by, once the data told (shared across repositories). */
  readonly order?: NewestOrder | undefined;
}

type Context = PartitionContext<RepositoryPartition, PullRequestsCursor, DataCenterConfig>;

export const PULL_REQUEST_OUTPUTS = ['pull_requests', 'pull_request_activities', 'pull_request_commits'] as const;

export const pullRequestsStream: StreamDefinition<RepositoryPartition, PullRequestsCursor, DataCenterConfig> = {
  name: 'pull_requests',
  outputs: [OUTPUTS.pull_requests, OUTPUTS.pull_request_activities, OUTPUTS.pull_request_commits],
  scope: 'repository',
  requires: 'REPO_READ',
  async read(ctx: Context, partition: RepositoryPartition): Promise<PullRequestsCursor> {
    const cursor = ctx.cursor;
    const evidence = new NewestOrderEvidence(cursor?.order, ...sharedOrders(ctx));
    const watermark = cursor?.watermark ?? Number.NEGATIVE_INFINITY;
    const edge = cursor?.edge ?? {};
    const heads: Record<string, string> = { ...cursor?.heads };
    const startDate = cursor === undefined ? ctx.startDate?.getTime() : undefined;
    let newWatermark = cursor?.watermark ?? Number.NEGATIVE_INFINITY;
    let atNewWatermark: Record<string, number> = {};

    const pullRequests = listing<DcPullRequest>(ctx.client, {
      url: pullRequestsPath(repositoryRef(partition)),
      query: { state: 'ALL', order: 'NEWEST' },
      limit: ctx.config.pageSize,
      context: requestContext(ctx.stream, partition),
      signal: ctx.signal,
    });
    for await (const pullRequest of pullRequests) {
      evidence.observe(pullRequest);
      const { updatedDate } = pullRequest;
      const version = pullRequest.version ?? 0;
      const older = updatedDate < watermark || (startDate !== undefined && updatedDate < startDate);
      // Proven newest-updated-first: everything after this one is older too.
      if (older && evidence.byUpdatedDate) break;
      const changed = updatedDate > watermark || (updatedDate === watermark && edge[String(pullRequest.id)] !== version);
      if (!changed || older) continue;
      await writePullRequest(ctx, partition, pullRequest, heads);
      if (updatedDate > newWatermark) {
        newWatermark = updatedDate;
        atNewWatermark = {};
      }
      if (updatedDate === newWatermark) atNewWatermark[String(pullRequest.id)] = version;
    }

    return {
      v: 1,
      watermark: Number.isFinite(newWatermark) ? newWatermark : 0,
      edge: edgeAt(edge, atNewWatermark, newWatermark, watermark),
      heads,
      order: evidence.order,
    };
  },
};

/** The edge of the new watermark: the old edge when the watermark did not move, else only the new ids at it. */
function edgeAt(
  edge: Record<string, number>,
  atNewWatermark: Record<string, number>,
  newWatermark: number,
  watermark: number,
): Record<string, number> {
  return newWatermark === watermark ? { ...edge, ...atNewWatermark } : { ...atNewWatermark };
}

/** The NEWEST order other repositories' cursors proved (the order is the server's, not a repository's). */
function sharedOrders(ctx: Context): NewestOrder[] {
  const orders = new Set<NewestOrder>();
  for (const state of Object.values(ctx.state.partitions(ctx.stream))) {
    const order = (state.cursor as Partial<PullRequestsCursor> | undefined)?.order;
    if (order === 'updated' || order === 'created' || order === 'other') orders.add(order);
  }
  return [...orders];
}

/** Writes a changed pull request and the children that were selected. */
async function writePullRequest(
  ctx: Context,
  partition: RepositoryPartition,
  pullRequest: DcPullRequest,
  heads: Record<string, string>,
): Promise<void> {
  const repository = repositoryId(partition);
  const id = String(pullRequest.id);
  if (ctx.wants('pull_requests')) await ctx.record('pull_requests', pullRequestRecord(pullRequest, repository));
  if (ctx.wants('pull_request_activities')) await writeActivities(ctx, partition, pullRequest);
  const sourceTip = pullRequest.fromRef?.latestCommit;
  if (ctx.wants('pull_request_commits') && (sourceTip === undefined || heads[id] !== sourceTip)) {
    await writeCommits(ctx, partition, pullRequest);
  }
  if (pullRequest.state === 'OPEN' && sourceTip !== undefined && ctx.wants('pull_request_commits')) heads[id] = sourceTip;
  else delete heads[id];
}

async function writeActivities(ctx: Context, partition: RepositoryPartition, pullRequest: DcPullRequest): Promise<void> {
  const repository = repositoryId(partition);
  const activities = listing<DcActivity>(ctx.client, {
    url: pullRequestActivitiesPath(repositoryRef(partition), pullRequest.id),
    limit: ctx.config.pageSize,
    expect: [404],
    context: requestContext(ctx.stream, partition),
    signal: ctx.signal,
  });
  for await (const activity of activities) {
    await ctx.record('pull_request_activities', activityRecord(activity, repository, pullRequest.id));
  }
  if (activities.answeredWith !== undefined) ctx.absence(`pull request ${pullRequest.id} activities`, activities.answeredWith);
}

async function writeCommits(ctx: Context, partition: RepositoryPartition, pullRequest: DcPullRequest): Promise<void> {
  const repository = repositoryId(partition);
  const commits = listing<DcCommit>(ctx.client, {
    url: pullRequestCommitsPath(repositoryRef(partition), pullRequest.id),
    limit: ctx.config.pageSize,
    expect: [404],
    context: requestContext(ctx.stream, partition),
    signal: ctx.signal,
  });
  for await (const commit of commits) {
    await ctx.record('pull_request_commits', pullRequestCommitRecord(commit, repository, pullRequest.id));
  }
  // "Commit … does not exist" for a pull request whose commits were rewritten or whose branch is gone (DevLake #7258).
  if (commits.answeredWith !== undefined) ctx.absence(`pull request ${pullRequest.id} commits`, commits.answeredWith);
}
