/**
 * `pull_requests`, `pull_request_activities`, `pull_request_commits`: one definition per repository, so one
 * cursor covers a pull request and its children and a crash between them cannot lose the children.
 *
 * The listing is `…/pull-requests?state=ALL&order=NEWEST`. A pull request changed when its `updatedDate` is
 * at or past the cursor's watermark and its stamp (`updatedDate:version`) is not the one the cursor's edge
 * holds (a comment moves `updatedDate`, not `version`; an edit in the same millisecond moves `version`); only changed pull requests
 * get their children (./pull-request-children.ts). How far the listing is read depends on what NEWEST was
 * proven to sort by (./newest-order.ts): by updated date, it stops at the first pull request older than the
 * watermark (one page when nothing changed); otherwise it is read to the end (one page up to `pageSize` pull
 * requests), which is correct for any order.
 *
 * The watermark is the largest `updatedDate` on the listing's FIRST page, not the largest processed: that is
 * no later than the server's clock when the listing began, so a pull request updated while the listing was
 * read (one already passed, or one that moved ahead of the reader) is past it and read next run. The edge
 * keeps the stamp of every pull request seen at or past the watermark, so those are not read again unchanged.
 *
 * A long listing (a first sync: every pull request and its children) is checkpointed at page boundaries, with
 * the offset to continue from and the last few pull requests seen (anchors). Offsets of a newest-first listing
 * only move forward when pull requests are created or updated, so continuing a few items early re-reads, never
 * skips; meeting an unchanged anchor again proves it. If none is met (pull requests were deleted meanwhile),
 * the listing is read again from the start. A first sync reads pages of at most 50 pull requests, so a run
 * stopped by a budget keeps its progress at that grain.
 */
import type { PartitionContext, StreamDefinition } from '@bbsync/core';
import type { DcPullRequest } from '../api-types.js';
import type { DataCenterConfig } from '../config.js';
import { pageListing } from '../listing.js';
import { NewestOrderEvidence, type NewestOrder } from '../newest-order.js';
import { OUTPUTS } from '../outputs.js';
import { repositoryRef, requestContext, type RepositoryPartition } from '../partition.js';
import { pullRequestsPath } from '../paths.js';
import { writePullRequest } from './pull-request-children.js';

/** The pull request cursor of one repository. */
export interface PullRequestsCursor {
  readonly v: 1;
  /** Pull requests updated before this (epoch ms) are unchanged since they were written; 0 before the first listing. */
  readonly watermark: number;
  /**
   * Pull requests seen with `updatedDate >= watermark`: id → stamp (`updatedDate:version`). A number is a
   * version at exactly the watermark (the cursor's first form).
   */
  readonly edge: Readonly<Record<string, string | number>>;
  /** Open pull requests: id → source tip (`fromRef.latestCommit`) when their commits were last read. */
  readonly heads: Readonly<Record<string, string>>;
  /** What `order=NEWEST` was proven to sort by, once the data told (shared across repositories). */
  readonly order?: NewestOrder | undefined;
  /** A listing a stopped run left unfinished; `watermark` and `edge` above are still those before it. */
  readonly walk?: PullRequestWalk | undefined;
}

/** An unfinished listing, checkpointed at a page boundary. */
export interface PullRequestWalk {
  /** Offset (`nextPageStart`) of the first page not processed yet. */
  readonly next: number;
  /** The last pull requests seen before `next`: id → stamp. */
  readonly anchors: Readonly<Record<string, string>>;
  /** The watermark the listing commits when it ends (the largest `updatedDate` of its first page). */
  readonly watermark?: number | undefined;
  /** The edge it commits, so far. */
  readonly edge: Readonly<Record<string, string>>;
  /** The first-sync start date in effect (epoch ms). */
  readonly startDate?: number | undefined;
}

type Context = PartitionContext<RepositoryPartition, PullRequestsCursor, DataCenterConfig>;

/** Pull requests remembered as anchors, and how far before the checkpoint a continued listing starts. */
const ANCHORS = 5;
/** Page size of a first sync, where every pull request costs child requests: the grain of its checkpoints. */
const FIRST_SYNC_PAGE_LIMIT = 50;

export const PULL_REQUEST_OUTPUTS = ['pull_requests', 'pull_request_activities', 'pull_request_commits'] as const;

export const pullRequestsStream: StreamDefinition<RepositoryPartition, PullRequestsCursor, DataCenterConfig> = {
  name: 'pull_requests',
  outputs: [OUTPUTS.pull_requests, OUTPUTS.pull_request_activities, OUTPUTS.pull_request_commits, OUTPUTS.pull_request_events],
  scope: 'repository',
  requires: 'REPO_READ',
  async read(ctx: Context, partition: RepositoryPartition): Promise<PullRequestsCursor> {
    const cursor = ctx.cursor;
    const resumed = cursor?.walk;
    const walk = new PullRequestListing(ctx, partition, cursor, resumed === undefined ? ctx.startDate?.getTime() : resumed.startDate);
    if (cursor === undefined || resumed === undefined) {
      await walk.read(0, undefined);
    } else if (!(await walk.read(Math.max(0, resumed.next - ANCHORS), resumed))) {
      ctx.note('full_resync', `${partition.name}: pull requests moved under a stopped listing; reading it again from the start`);
      await walk.read(0, undefined);
    }
    return walk.result();
  },
};

/** One listing of a repository's pull requests, possibly continuing a checkpointed one. */
class PullRequestListing {
  readonly #ctx: Context;
  readonly #partition: RepositoryPartition;
  readonly #evidence: NewestOrderEvidence;
  /** What the last completed listing covered: the filter of this one. */
  readonly #since: { readonly watermark: number; readonly edge: Readonly<Record<string, string | number>> };
  readonly #heads: Record<string, string>;
  readonly #startDate: number | undefined;
  readonly #limit: number;
  #watermark: number | undefined;
  readonly #edge: Record<string, string>;
  /** The last pull requests seen, oldest first: [id, stamp]. */
  #recent: [string, string][];

  constructor(ctx: Context, partition: RepositoryPartition, cursor: PullRequestsCursor | undefined, startDate: number | undefined) {
    this.#ctx = ctx;
    this.#partition = partition;
    this.#evidence = new NewestOrderEvidence(cursor?.order, ...sharedOrders(ctx));
    this.#since = { watermark: cursor?.watermark ?? 0, edge: cursor?.edge ?? {} };
    this.#heads = { ...cursor?.heads };
    this.#startDate = cursor === undefined || cursor.walk !== undefined ? startDate : undefined;
    this.#limit = this.#since.watermark === 0 ? Math.min(ctx.config.pageSize, FIRST_SYNC_PAGE_LIMIT) : ctx.config.pageSize;
    this.#watermark = cursor?.walk?.watermark;
    this.#edge = { ...cursor?.walk?.edge };
    this.#recent = Object.entries(cursor?.walk?.anchors ?? {});
  }

  /**
   * Reads the listing from offset `from`, writing changed pull requests, checkpointing at page boundaries.
   * Continuing `resumed`, resolves false when none of its anchors was met unchanged (pull requests before it
   * may have been skipped); else true.
   */
  async read(from: number, resumed: PullRequestWalk | undefined): Promise<boolean> {
    const ctx = this.#ctx;
    const anchors = resumed?.anchors ?? {};
    let verified = from === 0;
    let written = 0;
    this.#evidence.restart();
    const pages = pageListing<DcPullRequest>(ctx.client, {
      url: pullRequestsPath(repositoryRef(this.#partition)),
      query: { state: 'ALL', order: 'NEWEST' },
      start: from,
      limit: this.#limit,
      context: requestContext(ctx.stream, this.#partition),
      signal: ctx.signal,
    });
    for await (const page of pages) {
      // The first page of a listing from the start: its newest update is no later than the server's clock now.
      if (this.#watermark === undefined && from === 0 && page.index === 0 && page.items.length > 0) {
        this.#watermark = Math.max(...page.items.map((pullRequest) => pullRequest.updatedDate));
      }
      for (const pullRequest of page.items) {
        this.#evidence.observe(pullRequest);
        const id = String(pullRequest.id);
        const stamp = stampOf(pullRequest);
        const older = pullRequest.updatedDate < this.#since.watermark || (this.#startDate !== undefined && pullRequest.updatedDate < this.#startDate);
        // Proven newest-updated-first: everything after this one is older too.
        if (older && this.#evidence.byUpdatedDate) return verified;
        this.#remember(id, stamp);
        // Seen before the checkpoint, unchanged: it was handled then, and proves nothing unread was skipped.
        if (anchors[id] === stamp) {
          verified = true;
          continue;
        }
        if (older || this.#edge[id] === stamp) continue;
        if (!this.#unchanged(id, pullRequest)) {
          await writePullRequest(ctx, this.#partition, pullRequest, this.#heads);
          written += 1;
        }
        if (this.#watermark !== undefined && pullRequest.updatedDate >= this.#watermark) this.#edge[id] = stamp;
      }
      if (page.next !== undefined && written > 0) {
        await ctx.checkpoint({ ...this.#base(), walk: this.#walk(Number(page.next)) });
        written = 0;
      }
    }
    return verified;
  }

  /** The cursor of the completed listing. */
  result(): PullRequestsCursor {
    const watermark = Math.max(this.#since.watermark, this.#watermark ?? 0);
    return { v: 1, watermark, edge: { ...this.#edge }, heads: { ...this.#heads }, order: this.#evidence.order };
  }

  /** The cursor before this listing, with what it learned that is already durable (heads, order). */
  #base(): PullRequestsCursor {
    return { v: 1, watermark: this.#since.watermark, edge: this.#since.edge, heads: { ...this.#heads }, order: this.#evidence.order };
  }

  #walk(next: number): PullRequestWalk {
    return {
      next,
      anchors: Object.fromEntries(this.#recent),
      ...(this.#watermark === undefined ? {} : { watermark: this.#watermark }),
      edge: { ...this.#edge },
      ...(this.#startDate === undefined ? {} : { startDate: this.#startDate }),
    };
  }

  #remember(id: string, stamp: string): void {
    this.#recent = [...this.#recent.filter(([known]) => known !== id), [id, stamp] as [string, string]].slice(-ANCHORS);
  }

  /** True when the last completed listing saw this pull request as it is now (it is at or past its watermark). */
  #unchanged(id: string, pullRequest: DcPullRequest): boolean {
    const known = this.#since.edge[id];
    if (typeof known === 'number') return pullRequest.updatedDate === this.#since.watermark && known === (pullRequest.version ?? 0);
    return known === stampOf(pullRequest);
  }
}

/** What identifies a pull request's state: a comment changes `updatedDate` only, an edit also `version`. */
function stampOf(pullRequest: DcPullRequest): string {
  return `${pullRequest.updatedDate}:${pullRequest.version ?? 0}`;
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
