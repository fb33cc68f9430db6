/**
 * `commits`: the default branch's history, incrementally and exactly.
 *
 * Every run starts from the default branch's tip, named by `GET …/branches/default`: the `repositories`
 * stream reads it in the same run when its own output is selected and hands it over in the partition (`head`),
 * else this stream reads it.
 * - tip unchanged: done (no request here when the partition carried the head);
 * - first sync: walk `commits?until=<tip>` newest first (resumable: the history below a fixed commit id is
 *   immutable, so `nextPageStart` is checkpointed every few pages and a stopped run continues there);
 * - tip moved: `commits?since=<last tip>&until=<tip>` lists exactly the commits reachable from the new tip and
 *   not from the last one ("since: exclusive", "until: inclusive", DC spec getCommits). When one of them has
 *   the last tip as a parent, the last tip is an ancestor of the new one (a fast-forward) and nothing was
 *   removed. Otherwise (a force-push whose old commits still exist, a rewind, a changed default branch)
 *   `commits?since=<tip>&until=<last tip>` lists exactly the commits that left the history: deletion markers.
 * - the last tip no longer exists (the `since` query answers 404/400: a force-push and a gc): recovery walks
 *   from the new tip newest first until it meets a commit remembered in the cursor's bounded `recent` list and
 *   is older than the oldest remembered one (or `forcePushLookbackDays` older still, when none is met), then
 *   `since=<that commit>` catches new commits with older dates (merged branches). Remembered commits not met
 *   are written as deleted. Not `ignoreMissing=true`: that silently replays the whole history (Faros' trap).
 *
 * Why read the tip first rather than only `since=<last tip>` (one request either way when nothing changed):
 * an empty `since` answer cannot tell "unchanged" from "rewound" or "default branch switched to an older
 * branch", which would leave removed commits in the output; the tip makes every case exact.
 *
 * Timestamps stay epoch milliseconds as given; `authorTimestampIso` / `committerTimestampIso` are added.
 */
import { type PartitionContext, type StreamDefinition } from '@bbsync/core';
import type { DcCommit } from '../api-types.js';
import { commitTime, floorOf, hasParent, known, mergeRecent, type KnownCommit } from '../commit-history.js';
import type { DataCenterConfig } from '../config.js';
import { readRepositoryHead, type RepositoryHead } from '../default-branch.js';
import { listing, pageListing } from '../listing.js';
import { commitKey, commitRecord, OUTPUTS } from '../outputs.js';
import { repositoryId, repositoryRef, requestContext, type RepositoryPartition } from '../partition.js';
import { commitsPath } from '../paths.js';

/** The commits cursor of one repository. */
export interface CommitsCursor {
  readonly v: 1;
  /** The default branch (full ref) the tip was read from; '' for an empty repository. */
  readonly branch: string;
  /** The last synced tip commit; '' when the repository was empty (or the first walk is still running). */
  readonly tip: string;
  /** The newest known commits of the synced history, newest first (at most `lookbackCommits`). */
  readonly recent: readonly KnownCommit[];
  /** When the head this cursor was built from was read (epoch ms): an older head is never applied. */
  readonly readAt?: number | undefined;
  /** A first walk in progress: the history of `tip` continues at listing offset `start`. */
  readonly backfill?: { readonly tip: string; readonly branch: string; readonly start: number } | undefined;
}

type Context = PartitionContext<RepositoryPartition, CommitsCursor, DataCenterConfig>;

const DAY_MS = 86_400_000;
/** Pages of a first walk between checkpoints (a checkpoint is an fsync; pages hold up to 100 commits by default). */
const CHECKPOINT_EVERY_PAGES = 10;
const EMPTY: CommitsCursor = { v: 1, branch: '', tip: '', recent: [] };

export const commitsStream: StreamDefinition<RepositoryPartition, CommitsCursor, DataCenterConfig> = {
  name: 'commits',
  outputs: [OUTPUTS.commits],
  scope: 'repository',
  requires: 'REPO_READ',
  async read(ctx: Context, partition: RepositoryPartition): Promise<CommitsCursor | undefined> {
    const previous = ctx.cursor;
    const head = await currentHead(ctx, partition, previous);
    if (head.kind === 'empty') {
      ctx.absence('empty repository (no default branch commits)', 204);
      if (previous !== undefined && previous.tip === '' && previous.recent.length === 0 && previous.backfill === undefined) return undefined;
      // The history is gone (only the remembered part can be named).
      for (const [id] of previous?.recent ?? []) await ctx.deleted('commits', commitKey(repositoryId(partition), id));
      return { ...EMPTY, readAt: head.readAt };
    }
    if (head.kind === 'missing') {
      ctx.absence(`default branch ${head.branch ?? '(unknown)'} does not exist`, 404);
      return undefined;
    }

    let cursor = previous;
    if (cursor?.backfill !== undefined) {
      // Continue the interrupted first walk; a vanished tip (force-push meanwhile) restarts it from the new tip.
      cursor = await walkHistory(ctx, cursor.backfill.tip, cursor.backfill.branch, cursor.backfill.start, cursor.recent);
    }
    const result =
      cursor === undefined || cursor.tip === ''
        ? await walkHistory(ctx, head.tip, head.branch, 0, [])
        : cursor.tip === head.tip
          ? cursor === previous && cursor.branch === head.branch
            ? undefined
            : { ...cursor, branch: head.branch }
          : await advance(ctx, cursor, head.tip, head.branch);
    return result === undefined ? (cursor === previous ? undefined : cursor) : { ...result, readAt: head.readAt };
  },
};

/**
 * The head handed over by the `repositories` stream when it is newer than the one the cursor was built from
 * (an engine that replays an old partition descriptor must never move the cursor backwards), else a fresh read.
 */
async function currentHead(ctx: Context, partition: RepositoryPartition, cursor: CommitsCursor | undefined): Promise<RepositoryHead> {
  const handed = partition.head;
  if (handed !== undefined && (cursor?.readAt === undefined || handed.readAt > cursor.readAt)) return handed;
  return readRepositoryHead(repositoryRef(partition), {
    client: ctx.client,
    context: requestContext(ctx.stream, partition),
    signal: ctx.signal,
    now: ctx.clock.now(),
  });
}

/**
 * Writes the history of `tip` newest first from listing offset `start` (bounded by the run's start date),
 * checkpointing the offset as it goes. Undefined when `tip` no longer exists.
 */
async function walkHistory(
  ctx: Context,
  tip: string,
  branch: string,
  start: number,
  recent: readonly KnownCommit[],
): Promise<CommitsCursor | undefined> {
  const repository = repositoryId(ctx.partition);
  const since = ctx.startDate?.getTime();
  const remembered = [...recent];
  const pages = pageListing<DcCommit>(ctx.client, {
    url: commitsPath(repositoryRef(ctx.partition)),
    query: { until: tip },
    start,
    limit: ctx.config.pageSize,
    expect: [400, 404],
    context: requestContext(ctx.stream, ctx.partition),
    signal: ctx.signal,
  });
  let pagesRead = 0;
  walk: for await (const page of pages) {
    for (const commit of page.items) {
      if (since !== undefined && commitTime(commit) < since) break walk;
      await ctx.record('commits', commitRecord(commit, repository));
      if (remembered.length < ctx.config.lookbackCommits) remembered.push(known(commit));
    }
    if (page.next !== undefined && ++pagesRead % CHECKPOINT_EVERY_PAGES === 0) {
      await ctx.checkpoint({ ...EMPTY, recent: remembered, backfill: { tip, branch, start: Number(page.next) } });
    }
  }
  if (pages.answeredWith !== undefined) {
    ctx.logger.info('The commit a history walk started from is gone; starting again from the current tip', { repository: ctx.partition.name });
    return undefined;
  }
  return { v: 1, branch, tip, recent: remembered };
}

/** From the last synced tip to the new one: new commits written, removed ones marked deleted. */
async function advance(ctx: Context, cursor: CommitsCursor, tip: string, branch: string): Promise<CommitsCursor> {
  const repository = repositoryId(ctx.partition);
  const common = {
    url: commitsPath(repositoryRef(ctx.partition)),
    limit: ctx.config.pageSize,
    expect: [400, 404],
    context: requestContext(ctx.stream, ctx.partition),
    signal: ctx.signal,
  };
  const added = listing<DcCommit>(ctx.client, { ...common, query: { since: cursor.tip, until: tip } });
  const newest: KnownCommit[] = [];
  let fastForward = false;
  for await (const commit of added) {
    await ctx.record('commits', commitRecord(commit, repository));
    if (newest.length < ctx.config.lookbackCommits) newest.push(known(commit));
    fastForward ||= hasParent([commit], cursor.tip);
  }
  if (added.answeredWith !== undefined) return recover(ctx, cursor, tip, branch);

  const removed = new Set<string>();
  if (!fastForward) {
    // The last tip is not an ancestor of the new one: list what only the old history had.
    const left = listing<DcCommit>(ctx.client, { ...common, query: { since: tip, until: cursor.tip } });
    for await (const commit of left) {
      removed.add(commit.id);
      await ctx.deleted('commits', commitKey(repository, commit.id));
    }
    if (left.answeredWith !== undefined) return recover(ctx, cursor, tip, branch);
    ctx.logger.info('Default branch history was rewritten', { repository: ctx.partition.name, removed: removed.size });
  }
  return { v: 1, branch, tip, recent: mergeRecent(newest, cursor.recent, removed, ctx.config.lookbackCommits) };
}

/** The last synced tip is gone: a bounded walk from the new tip against the remembered commits. */
async function recover(ctx: Context, cursor: CommitsCursor, tip: string, branch: string): Promise<CommitsCursor> {
  const repository = repositoryId(ctx.partition);
  const common = {
    url: commitsPath(repositoryRef(ctx.partition)),
    limit: ctx.config.pageSize,
    expect: [400, 404],
    context: requestContext(ctx.stream, ctx.partition),
    signal: ctx.signal,
  };
  const remembered = new Map(cursor.recent);
  const floor = floorOf(cursor.recent);
  const bound = floor === undefined ? undefined : floor - ctx.config.forcePushLookbackDays * DAY_MS;
  const seen = new Set<string>();
  const newest: KnownCommit[] = [];
  let anchor: string | undefined;
  let walkedAll = true;
  ctx.logger.info('The last synced commit is gone (force-push?); recovering with a bounded look-back', {
    repository: ctx.partition.name,
    remembered: remembered.size,
  });

  const walk = listing<DcCommit>(ctx.client, { ...common, query: { until: tip } });
  for await (const commit of walk) {
    await ctx.record('commits', commitRecord(commit, repository));
    seen.add(commit.id);
    if (newest.length < ctx.config.lookbackCommits) newest.push(known(commit));
    if (anchor === undefined && remembered.has(commit.id)) anchor = commit.id;
    const time = commitTime(commit);
    // Git log order is by committer date: once past the oldest remembered commit, every survivor was met.
    if ((anchor !== undefined && floor !== undefined && time < floor) || (bound !== undefined && time < bound)) {
      walkedAll = false;
      break;
    }
  }
  if (walk.answeredWith !== undefined) return cursor; // the new tip vanished too: try again next run
  if (walkedAll) ctx.note('full_resync', `${ctx.partition.name}: no remembered commit left; walked the whole default branch`);

  if (anchor !== undefined) {
    // New commits dated before the floor (a merged long-lived branch) are reachable from the tip, not the anchor.
    for await (const commit of listing<DcCommit>(ctx.client, { ...common, query: { since: anchor, until: tip } })) {
      if (seen.has(commit.id)) continue;
      seen.add(commit.id);
      await ctx.record('commits', commitRecord(commit, repository));
    }
  }
  const removed = new Set<string>();
  for (const id of remembered.keys()) {
    if (seen.has(id)) continue;
    removed.add(id);
    await ctx.deleted('commits', commitKey(repository, id));
  }
  return { v: 1, branch, tip, recent: mergeRecent(newest, cursor.recent, removed, ctx.config.lookbackCommits) };
}
