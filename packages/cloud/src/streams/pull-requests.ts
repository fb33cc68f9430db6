/**
 * `pull_requests` with `pull_request_activity`, `pull_request_comments`, `pull_request_commits` and
 * `commit_details`: ONE definition, one cursor per repository covering all its outputs, so a crash between a
 * pull request and its children cannot lose the children (the cursor only moves once all of them are durable).
 *
 * Per repository and run (see README "Streams"):
 * 1. the repository-wide activity feed, newest first, down to its mark (feed.ts): new comments, approvals,
 *    change requests and updates of every pull request in one listing, which also finds pull requests whose
 *    `updated_on` was not bumped by them; their rows are read again (one GET each);
 * 2. the changed pull requests: `q=updated_on > cursor − overlap`, all states, newest first (listing.ts);
 *    skipped when the feed is quiet and known to cover every change (`activityFeedCoversPullRequestUpdates`),
 *    or when the repository's `updated_on` is unchanged and pull requests bump it (`pushes_and_pull_requests`:
 *    then no pull request's `updated_on` moved either, and the feed still finds activity that bumps neither);
 * 3. per changed pull request, only what is needed: its commits when the source branch moved, withdrawn
 *    approvals (approvals.ts), and the full hashes of its 12-character ones (hashes.ts).
 * A first sync reads the whole feed instead of each pull request's activity and comments (one request per
 * 50 items rather than two per pull request), unless `startDate` bounds it.
 */
import { pullRequestEventKey, type PartitionContext, type StreamDefinition } from '@bbsync/core';
import type { CloudConfig } from '../config.js';
import { COMMENT_FIELDS, objectFields, PULL_REQUEST_FIELDS } from '../fields.js';
import { repositoryBase, requestContext, type RepositoryPartition } from '../partition.js';
import { pullRequestPath } from '../paths.js';
import { project } from '../project.js';
import type { CloudActivity, CloudPullRequest } from '../records.js';
import { ApprovalTracker } from './pull-requests/approvals.js';
import { activityRecord, commentRecord, readActivity, readComments, readCommits } from './pull-requests/children.js';
import { approvalEventId, PULL_REQUEST_EVENTS, TimelineBuilder } from './pull-requests/events.js';
import { MAX_HASHES, MAX_HEADS, type PullRequestsCursor } from './pull-requests/cursor.js';
import { readActivityFeed, type FeedRead } from './pull-requests/feed.js';
import { HashResolver } from './pull-requests/hashes.js';
import { commitKey } from './commits.js';
import { forgetMergeCommits } from './merge-registry.js';
import {
  activityKey,
  COMMIT_DETAILS,
  commentKey,
  PULL_REQUEST_ACTIVITY,
  PULL_REQUEST_COMMENTS,
  PULL_REQUEST_COMMITS,
  PULL_REQUESTS,
  pullRequestCommitKey,
  pullRequestKey,
} from './pull-requests/keys.js';
import { listChangedPullRequests } from './pull-requests/listing.js';

export type { PullRequestsCursor } from './pull-requests/cursor.js';

type Ctx = PartitionContext<RepositoryPartition, PullRequestsCursor, CloudConfig>;

/** How the repository-wide feed is used this run. */
type FeedMode = 'children' | 'mark' | 'off';

export const pullRequestsStream: StreamDefinition<RepositoryPartition, PullRequestsCursor, CloudConfig> = {
  name: PULL_REQUESTS,
  outputs: [
    { name: PULL_REQUESTS, primaryKey: pullRequestKey },
    { name: PULL_REQUEST_ACTIVITY, primaryKey: activityKey },
    { name: PULL_REQUEST_COMMENTS, primaryKey: commentKey },
    { name: PULL_REQUEST_COMMITS, primaryKey: pullRequestCommitKey },
    { name: COMMIT_DETAILS, primaryKey: commitKey },
    { name: PULL_REQUEST_EVENTS, primaryKey: pullRequestEventKey, optIn: true },
  ],
  scope: 'repository',
  requires: 'pullrequest',
  async read(ctx, partition) {
    const { cursor, config } = ctx;
    if (config.activityBumpsPullRequestUpdatedOn && repositoryUnchanged(ctx, partition)) {
      // Pull requests and all their activity bump the repository's updated_on here: unchanged means nothing to read.
      ctx.note('idle_skip', partition.name);
      return undefined;
    }
    const base = repositoryBase(config, partition);
    const mode = feedMode(ctx);
    const feed: FeedRead | undefined =
      mode === 'off' ? undefined : await readActivityFeed(ctx, partition, base, cursor?.feed, { markOnly: mode === 'mark' });
    // The listing finds what bumped a pull request's `updated_on`; it can be proven empty without a request when
    // every pull request change is known to show in the feed and the feed is quiet, or when pull requests bump
    // the repository's `updated_on` and that did not move. The feed (read above) still finds activity that
    // bumps nothing, and its pull requests' rows are re-read below.
    const quietFeedCoversAll = config.activityFeedCoversPullRequestUpdates && feed?.fresh.length === 0;
    const listingNeeded = !(cursor !== undefined && mode === 'children' && (quietFeedCoversAll || repositoryUnchanged(ctx, partition)));
    const listed = listingNeeded
      ? await listChangedPullRequests(ctx, partition, base)
      : { changed: [], updatedOn: cursor?.updatedOn, recent: { ...(cursor?.recent ?? {}) } };

    // Pull requests with new activity that the listing did not return: their rows changed (comment_count,
    // participants) without `updated_on` moving.
    const changed = new Map(listed.changed.map((pullRequest) => [pullRequest.id, pullRequest]));
    for (const { pullRequestId } of feed?.fresh ?? []) {
      if (changed.has(pullRequestId)) continue;
      const row = await readPullRequest(ctx, partition, base, pullRequestId);
      if (row !== undefined) changed.set(pullRequestId, row);
    }

    const approvals = new ApprovalTracker(cursor?.approvals);
    // The timeline is derived from the items and commits read below: it costs no request.
    const timeline = new TimelineBuilder(config.bots);
    const noteApproval = async (pullRequestId: number, item: CloudActivity) => {
      approvals.approved(pullRequestId, item);
      timeline.item(pullRequestId, item);
    };
    if (mode === 'children') {
      for (const { pullRequestId, item } of feed?.fresh ?? []) {
        if (ctx.wants(PULL_REQUEST_ACTIVITY)) await ctx.record(PULL_REQUEST_ACTIVITY, activityRecord(partition, pullRequestId, item));
        await noteApproval(pullRequestId, item);
        if (item.comment !== undefined && ctx.wants(PULL_REQUEST_COMMENTS)) {
          await ctx.record(PULL_REQUEST_COMMENTS, commentRecord(partition, pullRequestId, project(item.comment, COMMENT_FIELDS)));
        }
      }
    }

    const heads: Record<string, string> = { ...(cursor?.heads ?? {}) };
    const resolver = new HashResolver(ctx as PartitionContext<RepositoryPartition, unknown, CloudConfig>, partition, base, cursor?.hashes ?? []);
    const annotate: { pullRequest: CloudPullRequest; commitsListed: boolean }[] = [];
    for (const pullRequest of changed.values()) {
      const id = pullRequest.id;
      if (mode !== 'children') {
        if (ctx.wants(PULL_REQUEST_ACTIVITY) || ctx.wants(PULL_REQUEST_EVENTS)) await readActivity(ctx, partition, base, id, (item) => noteApproval(id, item));
        if (ctx.wants(PULL_REQUEST_COMMENTS)) await readComments(ctx, partition, base, id);
      }
      const source = pullRequest.source?.commit?.hash;
      // Whether Bitbucket still lists this pull request's commits (unknown when they were not read: assume so).
      let commitsListed = true;
      if ((ctx.wants(PULL_REQUEST_COMMITS) || ctx.wants(PULL_REQUEST_EVENTS)) && (cursor === undefined || source === undefined || heads[String(id)] !== source)) {
        const hashes = await readCommits(ctx, partition, base, id, (commit) => timeline.commit(id, commit));
        for (const hash of hashes ?? []) resolver.add(hash);
        commitsListed = hashes !== undefined && hashes.length > 0;
        if (source !== undefined) heads[String(id)] = source;
      }
      annotate.push({ pullRequest, commitsListed });
    }
    // Last, once everything else was read: merge commits the commits definition read meanwhile resolve for free.
    for (const { pullRequest, commitsListed } of annotate) {
      for (const key of approvals.withdrawn(pullRequest)) await deleteActivity(ctx, partition, pullRequest.id, key);
      await resolver.annotate(pullRequest, commitsListed);
      if (ctx.wants(PULL_REQUESTS)) await ctx.record(PULL_REQUESTS, { ...pullRequest, repository_uuid: partition.key });
      if (ctx.wants(PULL_REQUEST_EVENTS)) for (const event of timeline.events(partition, pullRequest)) await ctx.record(PULL_REQUEST_EVENTS, event);
    }
    // Nothing else reads this repository's merge commits this run: free them.
    forgetMergeCommits(ctx.client, partition.key);

    return {
      version: 1,
      updatedOn: listed.updatedOn,
      recent: listed.recent,
      feed: feed?.cursor ?? cursor?.feed,
      heads: bounded(heads, MAX_HEADS),
      hashes: recentlyUsed(cursor?.hashes ?? [], resolver.used(), MAX_HASHES),
      approvals: approvals.toCursor(),
      repositoryUpdatedOn: partition.updatedOn,
    };
  },
};

/**
 * True when pull requests bump the repository's `updated_on` (configured) and it has not moved since the last
 * run: then no pull request's `updated_on` moved either. Conservative on timing: the cursor keeps the value the
 * repository listing showed at the START of the run, so a change made while the run read pull requests shows as
 * a different value next run.
 */
function repositoryUnchanged(ctx: Ctx, partition: RepositoryPartition): boolean {
  const recorded = ctx.cursor?.repositoryUpdatedOn;
  return (
    ctx.config.repositoryUpdatedOnBumpedBy === 'pushes_and_pull_requests' &&
    recorded !== undefined &&
    partition.updatedOn !== undefined &&
    recorded === partition.updatedOn
  );
}

/** Earlier hashes, then this run's (moved to the end), keeping the last `limit`. */
function recentlyUsed(earlier: readonly string[], used: readonly string[], limit: number): string[] {
  const now = new Set(used);
  return [...earlier.filter((hash) => !now.has(hash)), ...now].slice(-limit);
}

/** A deletion marker for an activity item (a withdrawn approval), by the key the output uses. */
async function deleteActivity(ctx: Ctx, partition: RepositoryPartition, pullRequestId: number, itemKey: string): Promise<void> {
  if (ctx.wants(PULL_REQUEST_ACTIVITY)) await ctx.deleted(PULL_REQUEST_ACTIVITY, `${partition.key}:${pullRequestId}:${itemKey}`);
  const eventId = approvalEventId(itemKey);
  if (eventId !== undefined && ctx.wants(PULL_REQUEST_EVENTS)) await ctx.deleted(PULL_REQUEST_EVENTS, `${partition.key}:${pullRequestId}:${eventId}`);
}

/**
 * - `children`: the feed gives new activity and comments (a first sync reads all of it; later runs stop at
 *   the mark); used unless pull request `updated_on` is known to cover activity.
 * - `mark`: a first sync bounded by `startDate` reads each pull request's children, and only learns the
 *   feed's newest date for later runs.
 * - `off`: `updated_on` covers activity (configured), so the listing alone finds every change.
 */
function feedMode(ctx: Ctx): FeedMode {
  const usesFeedLater = !ctx.config.activityBumpsPullRequestUpdatedOn;
  if (ctx.cursor === undefined) {
    if (ctx.startDate === undefined) return 'children';
    return usesFeedLater ? 'mark' : 'off';
  }
  return usesFeedLater ? 'children' : 'off';
}

/**
 * A pull request named by the activity feed, read again; undefined when it is gone (404). Every activity item of
 * a deleted pull request names it, so a 404 is remembered for the run (`ctx.notFound`) and asked once.
 */
async function readPullRequest(ctx: Ctx, partition: RepositoryPartition, base: string, id: number): Promise<CloudPullRequest | undefined> {
  const url = pullRequestPath(base, id);
  if (ctx.notFound.has(url)) return undefined;
  const response = await ctx.client.request<CloudPullRequest>({
    url,
    query: { fields: objectFields(PULL_REQUEST_FIELDS) },
    context: requestContext(PULL_REQUESTS, partition),
    expect: [404],
    signal: ctx.signal,
  });
  if (response.status === 404) {
    ctx.notFound.add(url);
    ctx.absence(`pull request #${id} named by the activity feed is gone`, 404);
    return undefined;
  }
  return response.body;
}

/** At most `limit` entries (integer-like keys enumerate in ascending order, so the newest pull requests are kept). */
function bounded(entries: Record<string, string>, limit: number): Record<string, string> {
  const keys = Object.keys(entries);
  if (keys.length <= limit) return entries;
  return Object.fromEntries(keys.slice(-limit).map((key) => [key, entries[key] as string]));
}
