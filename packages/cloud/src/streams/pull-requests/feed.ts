/**
 * The repository-wide activity feed, `GET /repositories/{ws}/{repo}/pullrequests/activity`: every pull
 * request's comments, approvals, change requests and updates in one listing (50 per page), newest first.
 * One request per repository and run finds every pull request with new activity, even when comments and
 * approvals do not bump the pull request's `updated_on` (which nobody has verified that they do).
 */
import type { PartitionContext } from '@bbsync/core';
import type { CloudConfig } from '../../config.js';
import { ACTIVITY_FIELDS, listFields } from '../../fields.js';
import { listPages } from '../../listing.js';
import { requestContext, type RepositoryPartition } from '../../partition.js';
import type { CloudActivity } from '../../records.js';
import { later, millis } from '../../time.js';
import type { PullRequestsCursor } from './cursor.js';
import { activityDate, activityItemKey, activityPullRequestId, PULL_REQUESTS } from './keys.js';

export interface FeedItem {
  readonly pullRequestId: number;
  readonly item: CloudActivity;
}

export interface FeedRead {
  /** Items not seen before, in feed order. */
  readonly fresh: readonly FeedItem[];
  /** The feed part of the next cursor. */
  readonly cursor: NonNullable<PullRequestsCursor['feed']>;
}

type Ctx = PartitionContext<RepositoryPartition, PullRequestsCursor, CloudConfig>;

/**
 * Reads the feed down to `previous.date − overlap` (all of it when there is no previous mark, or when the
 * feed is not newest first), returning the items not among `previous.recent`. With `markOnly`, reads just
 * enough to learn the newest date (one page when newest first) and returns no items.
 */
export async function readActivityFeed(
  ctx: Ctx,
  partition: RepositoryPartition,
  base: string,
  previous: PullRequestsCursor['feed'],
  options: { readonly markOnly?: boolean } = {},
): Promise<FeedRead> {
  const overlapMs = ctx.config.pullRequestOverlapMinutes * 60_000;
  const newestFirst = ctx.config.activityFeedNewestFirst;
  const floor = previous === undefined ? Number.NEGATIVE_INFINITY : millis(previous.date) - overlapMs;
  const seen = new Set(previous?.recent ?? []);
  const read: { key: string; date: string | undefined; item: CloudActivity; id: number }[] = [];
  let newest = previous?.date;

  const pages = listPages<CloudActivity>(
    ctx.client,
    {
      url: `${base}/pullrequests/activity`,
      query: { pagelen: ctx.config.pageSizes.activity, fields: listFields(ACTIVITY_FIELDS) },
      context: requestContext(PULL_REQUESTS, partition),
      signal: ctx.signal,
    },
    // Several items can share a key only if they are the same event; the pull request id disambiguates across PRs.
    { kind: 'activity', key: (item) => `${activityPullRequestId(item) ?? ''}:${activityItemKey(item)}`, fallback: false },
  );
  feed: for await (const page of pages) {
    for (const item of page.items) {
      const date = activityDate(item);
      newest = later(newest, date);
      const time = millis(date);
      if (newestFirst && time <= floor) break feed;
      const id = activityPullRequestId(item);
      if (id === undefined) continue;
      read.push({ key: `${id}:${activityItemKey(item)}`, date, item, id });
    }
    if (options.markOnly && newestFirst) break;
  }

  const fresh = options.markOnly
    ? []
    : read.filter((entry) => !(millis(entry.date) <= floor) && !seen.has(entry.key)).map((entry) => ({ pullRequestId: entry.id, item: entry.item }));
  const mark = newest ?? previous?.date;
  const windowStart = mark === undefined ? Number.NEGATIVE_INFINITY : millis(mark) - overlapMs;
  const recent = read.filter((entry) => millis(entry.date) > windowStart).map((entry) => entry.key);
  return { fresh, cursor: { date: mark ?? new Date(0).toISOString(), recent } };
}
