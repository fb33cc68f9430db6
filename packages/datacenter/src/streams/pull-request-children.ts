/**
 * A changed pull request and its children, as the `pull_requests` definition writes them:
 * - the pull request itself (with reviewers and participants as the listing carries them);
 * - activities (`…/activities`, every page; newest first, clamped to 500 a page by default);
 * - commits (`…/commits`), only when the source branch tip moved since they were last read (tracked for open
 *   pull requests); a 404 (the branch or commits are gone) is an expected absence.
 */
import type { PartitionContext } from '@bbsync/core';
import { PULL_REQUEST_EVENTS, pullRequestEvents } from './pull-request-events.js';
import type { DcActivity, DcCommit, DcPullRequest } from '../api-types.js';
import type { DataCenterConfig } from '../config.js';
import { listing } from '../listing.js';
import { activityRecord, pullRequestCommitRecord, pullRequestRecord } from '../outputs.js';
import { repositoryId, repositoryRef, requestContext, type RepositoryPartition } from '../partition.js';
import { pullRequestActivitiesPath, pullRequestCommitsPath } from '../paths.js';

type Context = PartitionContext<RepositoryPartition, unknown, DataCenterConfig>;

/**
 * Writes a changed pull request and the children that were selected; updates `heads` (open pull request id →
 * source tip whose commits were read).
 */
export async function writePullRequest(ctx: Context, partition: RepositoryPartition, pullRequest: DcPullRequest, heads: Record<string, string>): Promise<void> {
  const repository = repositoryId(partition);
  const id = String(pullRequest.id);
  // The timeline is derived from the activities and commits read here: it asks for them, but costs no request of its own.
  const events = ctx.wants(PULL_REQUEST_EVENTS);
  const activities: DcActivity[] = [];
  const commits: DcCommit[] = [];
  if (ctx.wants('pull_requests')) await ctx.record('pull_requests', pullRequestRecord(pullRequest, repository));
  if (ctx.wants('pull_request_activities') || events) await writeActivities(ctx, partition, pullRequest, activities);
  const sourceTip = pullRequest.fromRef?.latestCommit;
  const readsCommits = ctx.wants('pull_request_commits') || events;
  if (readsCommits && (sourceTip === undefined || heads[id] !== sourceTip)) {
    await writeCommits(ctx, partition, pullRequest, commits);
  }
  if (pullRequest.state === 'OPEN' && sourceTip !== undefined && readsCommits) heads[id] = sourceTip;
  else delete heads[id];
  if (events) for (const event of pullRequestEvents(partition.key, pullRequest, activities, commits, ctx.config.bots)) await ctx.record(PULL_REQUEST_EVENTS, event);
}

async function writeActivities(ctx: Context, partition: RepositoryPartition, pullRequest: DcPullRequest, read: DcActivity[]): Promise<void> {
  const repository = repositoryId(partition);
  const activities = listing<DcActivity>(ctx.client, {
    url: pullRequestActivitiesPath(repositoryRef(partition), pullRequest.id),
    limit: ctx.config.pageSize,
    expect: [404],
    context: requestContext(ctx.stream, partition),
    signal: ctx.signal,
  });
  for await (const activity of activities) {
    read.push(activity);
    await ctx.record('pull_request_activities', activityRecord(activity, repository, pullRequest.id));
  }
  if (activities.answeredWith !== undefined) ctx.absence(`pull request ${pullRequest.id} activities`, activities.answeredWith);
}

async function writeCommits(ctx: Context, partition: RepositoryPartition, pullRequest: DcPullRequest, read: DcCommit[]): Promise<void> {
  const repository = repositoryId(partition);
  const commits = listing<DcCommit>(ctx.client, {
    url: pullRequestCommitsPath(repositoryRef(partition), pullRequest.id),
    limit: ctx.config.pageSize,
    expect: [404],
    context: requestContext(ctx.stream, partition),
    signal: ctx.signal,
  });
  for await (const commit of commits) {
    read.push(commit);
    await ctx.record('pull_request_commits', pullRequestCommitRecord(commit, repository, pullRequest.id));
  }
  // "Commit … does not exist" for a pull request whose commits were rewritten or whose branch is gone (DevLake #7258).
  if (commits.answeredWith !== undefined) ctx.absence(`pull request ${pullRequest.id} commits`, commits.answeredWith);
}
