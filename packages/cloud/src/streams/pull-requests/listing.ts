/**
 * Which pull requests changed: `GET /pullrequests?state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED`
 * ("state … can be repeated"; by default only OPEN is returned), `q=updated_on > <cursor − overlap>`,
 * `sort=-updated_on`, 50 a page ("with values greater than 50 the API returns HTTP 400").
 *
 * Newest first is what makes a page-by-page scan safe: an update during the scan moves a pull request to
 * the front (already read: it is caught by the next run, its new `updated_on` being later than anything
 * read now), so rows not yet read can only shift to later pages and be read twice, never skipped. An
 * ascending scan would skip the row that takes the place of one moved to the end.
 */
import type { PartitionContext } from '@bbsync/core';
import type { CloudConfig } from '../../config.js';
import { listFields, PULL_REQUEST_FIELDS } from '../../fields.js';
import { listPages } from '../../listing.js';
import { requestContext, type RepositoryPartition } from '../../partition.js';
import type { CloudPullRequest } from '../../records.js';
import { iso, later, millis } from '../../time.js';
import type { PullRequestsCursor } from './cursor.js';
import { PULL_REQUESTS } from './keys.js';

export const PULL_REQUEST_STATES = ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED'] as const;

export interface ListedPullRequests {
  /** Pull requests that changed since the cursor (rows already processed at the same `updated_on` left out). */
  readonly changed: CloudPullRequest[];
  readonly updatedOn: string | undefined;
  readonly recent: Record<string, string>;
}

type Ctx = PartitionContext<RepositoryPartition, PullRequestsCursor, CloudConfig>;

export async function listChangedPullRequests(ctx: Ctx, partition: RepositoryPartition, base: string): Promise<ListedPullRequests> {
  const { cursor, config } = ctx;
  const overlapMs = config.pullRequestOverlapMinutes * 60_000;
  const since = cursor?.updatedOn !== undefined ? millis(cursor.updatedOn) - overlapMs : ctx.startDate?.getTime();
  const q = since === undefined || Number.isNaN(since) ? undefined : `updated_on > ${iso(since)}`;
  const previous = cursor?.recent ?? {};
  const changed: CloudPullRequest[] = [];
  const all: CloudPullRequest[] = [];
  let updatedOn = cursor?.updatedOn;
  for await (const page of listPages<CloudPullRequest>(
    ctx.client,
    {
      url: `${base}/pullrequests`,
      query: {
        pagelen: config.pageSizes.pullRequests,
        state: [...PULL_REQUEST_STATES],
        sort: '-updated_on',
        fields: listFields(PULL_REQUEST_FIELDS),
        ...(q === undefined ? {} : { q }),
      },
      context: requestContext(PULL_REQUESTS, partition),
      signal: ctx.signal,
    },
    { kind: 'pullrequests', key: (pullRequest) => String(pullRequest.id), fallback: false },
  )) {
    for (const pullRequest of page.items) {
      all.push(pullRequest);
      updatedOn = later(updatedOn, pullRequest.updated_on);
      if (previous[String(pullRequest.id)] === pullRequest.updated_on) continue;
      changed.push(pullRequest);
    }
  }
  const windowStart = updatedOn === undefined ? Number.NEGATIVE_INFINITY : millis(updatedOn) - overlapMs;
  const recent: Record<string, string> = {};
  for (const pullRequest of all) {
    if (pullRequest.updated_on !== undefined && millis(pullRequest.updated_on) > windowStart) recent[String(pullRequest.id)] = pullRequest.updated_on;
  }
  return { changed, updatedOn, recent };
}
