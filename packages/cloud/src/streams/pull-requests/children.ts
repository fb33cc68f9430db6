/**
 * The children of one pull request, each read only when needed:
 * - activity (`/activity`, 50 a page: "limited to 50") and comments (`/comments`, 100 a page) when the
 *   repository-wide feed is not used for them;
 * - commits (`/commits`) when the source branch moved. "If the source branch no longer exists, the list is
 *   empty" (spec); a 404 is seen too (apache/devlake#7258): both are data, recorded as absences.
 */
import type { PartitionContext } from '@bbsync/core';
import type { CloudConfig } from '../../config.js';
import { ACTIVITY_FIELDS, COMMENT_FIELDS, COMMIT_FIELDS, listFields } from '../../fields.js';
import { listPages } from '../../listing.js';
import { requestContext, type RepositoryPartition } from '../../partition.js';
import { pullRequestPath } from '../../paths.js';
import type { CloudActivity, CloudComment, CloudCommit } from '../../records.js';
import type { PullRequestsCursor } from './cursor.js';
import { activityItemKey, PULL_REQUEST_ACTIVITY, PULL_REQUEST_COMMENTS, PULL_REQUEST_COMMITS } from './keys.js';

type Ctx = PartitionContext<RepositoryPartition, PullRequestsCursor, CloudConfig>;

/** An activity record: the item, plus its repository and pull request. */
export function activityRecord(partition: RepositoryPartition, pullRequestId: number, item: CloudActivity) {
  return { ...item, repository_uuid: partition.key, pull_request_id: pullRequestId };
}

/** A comment record: the comment (trimmed like the listing's), plus its repository and pull request. */
export function commentRecord(partition: RepositoryPartition, pullRequestId: number, comment: unknown) {
  return { ...(comment as CloudComment), repository_uuid: partition.key, pull_request_id: pullRequestId };
}

/** Reads a pull request's activity, writing each item and handing it to `onItem`. */
export async function readActivity(
  ctx: Ctx,
  partition: RepositoryPartition,
  base: string,
  id: number,
  onItem: (item: CloudActivity) => Promise<void>,
): Promise<void> {
  for await (const page of listPages<CloudActivity>(
    ctx.client,
    {
      url: pullRequestPath(base, id, 'activity'),
      query: { pagelen: ctx.config.pageSizes.activity, fields: listFields(ACTIVITY_FIELDS) },
      context: requestContext(PULL_REQUEST_ACTIVITY, partition),
      signal: ctx.signal,
    },
    { kind: 'activity', key: activityItemKey, fallback: false },
  )) {
    for (const item of page.items) {
      await ctx.record(PULL_REQUEST_ACTIVITY, activityRecord(partition, id, item));
      await onItem(item);
    }
  }
}

export async function readComments(ctx: Ctx, partition: RepositoryPartition, base: string, id: number): Promise<void> {
  for await (const page of listPages<CloudComment>(
    ctx.client,
    {
      url: pullRequestPath(base, id, 'comments'),
      query: { pagelen: ctx.config.pageSizes.comments, fields: listFields(COMMENT_FIELDS) },
      context: requestContext(PULL_REQUEST_COMMENTS, partition),
      signal: ctx.signal,
    },
    { kind: 'comments', key: (comment) => String(comment.id) },
  )) {
    for (const comment of page.items) await ctx.record(PULL_REQUEST_COMMENTS, commentRecord(partition, id, comment));
  }
}

/** Reads a pull request's commits (each also handed to `onCommit`); returns their full hashes (newest first), or undefined when the branch is gone (404). */
export async function readCommits(
  ctx: Ctx,
  partition: RepositoryPartition,
  base: string,
  id: number,
  onCommit: (commit: CloudCommit) => void = () => {},
): Promise<string[] | undefined> {
  const hashes: string[] = [];
  let pages = 0;
  for await (const page of listPages<CloudCommit>(
    ctx.client,
    {
      url: pullRequestPath(base, id, 'commits'),
      query: { pagelen: ctx.config.pageSizes.commits, fields: listFields(COMMIT_FIELDS) },
      context: requestContext(PULL_REQUEST_COMMITS, partition),
      expect: [404],
      signal: ctx.signal,
    },
    { kind: 'commits', key: (commit) => commit.hash },
  )) {
    pages++;
    for (const commit of page.items) {
      hashes.push(commit.hash);
      onCommit(commit);
      await ctx.record(PULL_REQUEST_COMMITS, { ...commit, repository_uuid: partition.key, pull_request_id: id });
    }
  }
  if (pages === 0) {
    ctx.absence(`pull request #${id} commits: source branch gone`, 404);
    return undefined;
  }
  if (hashes.length === 0) ctx.absence(`pull request #${id} commits: none (source branch gone or nothing to merge)`);
  return hashes;
}
