/**
 * `commits`: the default branch's history, never rescanned.
 *
 * - First sync: `GET /commits?include=<main branch>` newest first ("reverse chronological … topological
 *   order", Cloud spec), down to `startDate` when one is set.
 * - Later runs: `include=<main branch>&exclude=<previous head>` returns exactly the commits reachable from
 *   the branch and not from the previous head (`git log main ^head`), usually one page, often empty.
 *   The form POST is used when the query would be too long ("When the include and exclude parameters are
 *   more than can fit in a query string, clients can use a x-www-form-urlencoded POST instead").
 * - Force-push (the previous head is gone: the exclude answers 404) or a changed main branch: walk from the
 *   new head and stop once every parent line reaches a commit known from the cursor's bounded set of recent
 *   hashes, or passes a bounded look-back before the oldest of them. No history replay, no lost commit.
 * - Idle gate: while the repository's `updated_on` (free, from the listing) is unchanged and pushes bump it,
 *   nothing is requested at all.
 */
import type { ApiClient, Page, PartitionContext, Query, StreamDefinition } from '@bbsync/core';
import type { CloudConfig } from '../config.js';
import { COMMIT_FIELDS, listFields } from '../fields.js';
import { listPages } from '../listing.js';
import { repositoryBase, repositoryFacts, requestContext, type RepositoryPartition } from '../partition.js';
import type { CloudCommit } from '../records.js';

export const COMMITS = 'commits';

export interface CommitsCursor {
  readonly version: 1;
  /** The main branch the history was read from. */
  readonly branch: string | null;
  /** Its head when last read. */
  readonly head?: string | undefined;
  /** The repository's `updated_on` when last read (the idle gate). */
  readonly updatedOn?: string | undefined;
  /** Full hashes of the newest known commits, newest first, bounded by `knownCommits`. */
  readonly known: readonly string[];
  /** Date of the oldest commit in `known` (or older): the force-push look-back starts there. */
  readonly oldest?: string | undefined;
}

/** Longest query string sent as a GET; longer include/exclude lists go as a form POST. */
const MAX_QUERY_LENGTH = 1800;

/** A commit record: the API object plus the repository it belongs to. */
export type CommitRecord = CloudCommit & { readonly repository_uuid: string };

/** Primary key of a commit: repository UUID and full hash (forks share hashes). */
export function commitKey(record: { readonly repository_uuid: string; readonly hash: string }): string {
  return `${record.repository_uuid}:${record.hash}`;
}

export const commitsStream: StreamDefinition<RepositoryPartition, CommitsCursor, CloudConfig> = {
  name: COMMITS,
  outputs: [{ name: COMMITS, primaryKey: commitKey }],
  scope: 'repository',
  requires: 'repository',
  async read(ctx, partition) {
    const { cursor, config } = ctx;
    const facts = await repositoryFacts(ctx, partition, COMMITS);
    const branch = facts.mainBranch ?? null;
    const gated = config.repositoryUpdatedOnBumpedBy !== 'nothing';
    if (gated && cursor !== undefined && cursor.branch === branch && facts.updatedOn !== undefined && cursor.updatedOn === facts.updatedOn) {
      ctx.note('idle_skip', partition.name);
      return undefined;
    }
    if (branch === null) {
      // An empty repository has no main branch: nothing to read, and that is data.
      ctx.absence('empty repository (no main branch)');
      return { version: 1, branch: null, updatedOn: facts.updatedOn, known: cursor?.known ?? [], oldest: cursor?.oldest };
    }

    const emitted: CommitRecord[] = [];
    let outcome: WalkOutcome;
    if (cursor?.head !== undefined && cursor.branch === branch) {
      outcome = await readRange(ctx, partition, branch, cursor.head, emitted);
      if (outcome === 'missing') outcome = await walkToKnown(ctx, partition, branch, cursor, emitted);
    } else if (cursor !== undefined && cursor.known.length > 0) {
      outcome = await walkToKnown(ctx, partition, branch, cursor, emitted);
    } else {
      outcome = await readHistory(ctx, partition, branch, emitted);
    }
    if (outcome === 'missing') {
      // The main branch the listing named is gone (deleted or renamed since): try again next run.
      ctx.absence(`main branch "${branch}" not found`, 404);
      return { ...(cursor ?? { version: 1, known: [] }), version: 1, branch: cursor?.branch ?? null, updatedOn: undefined };
    }
    const head = emitted[0]?.hash ?? (cursor?.branch === branch ? cursor.head : undefined);
    return { version: 1, branch, head, updatedOn: facts.updatedOn, ...remember(emitted, cursor, config.knownCommits) };
  },
};

type WalkOutcome = 'done' | 'missing';

/** The commits of `include` not reachable from `exclude`: exactly what was pushed since. 404 = exclude (or include) gone. */
async function readRange(ctx: Ctx, partition: RepositoryPartition, branch: string, exclude: string, emitted: CommitRecord[]): Promise<WalkOutcome> {
  const pages = commitPages(ctx, partition, { include: branch, exclude });
  for await (const page of pages) {
    for (const commit of page.items) await emit(ctx, partition, commit, emitted);
  }
  return pages.missing() ? 'missing' : 'done';
}

/** A first sync: the whole history of the branch (down to `startDate`). */
async function readHistory(ctx: Ctx, partition: RepositoryPartition, branch: string, emitted: CommitRecord[]): Promise<WalkOutcome> {
  const start = ctx.startDate?.getTime();
  const pages = commitPages(ctx, partition, { include: branch });
  for await (const page of pages) {
    let anyNewer = false;
    for (const commit of page.items) {
      if (start !== undefined && time(commit.date) < start) continue;
      anyNewer = true;
      await emit(ctx, partition, commit, emitted);
    }
    // Topological order is close to date order but not exactly: stop only after a page that is all older.
    if (start !== undefined && !anyNewer) break;
  }
  return pages.missing() ? 'missing' : 'done';
}

/**
 * After a force-push or a main-branch change: walks from the new head, following only the parent lines
 * not yet known (a frontier of needed hashes). Stops when the frontier is empty (every line reached a known
 * commit) or a commit is older than the look-back floor (`oldest` known − `forcePushLookbackDays`).
 */
async function walkToKnown(
  ctx: Ctx,
  partition: RepositoryPartition,
  branch: string,
  cursor: CommitsCursor,
  emitted: CommitRecord[],
): Promise<WalkOutcome> {
  const known = new Set(cursor.known);
  const floor = cursor.oldest === undefined ? undefined : time(cursor.oldest) - ctx.config.forcePushLookbackDays * 86_400_000;
  const frontier = new Set<string>();
  let first = true;
  const pages = commitPages(ctx, partition, { include: branch });
  walk: for await (const page of pages) {
    for (const commit of page.items) {
      if (first) frontier.add(commit.hash);
      first = false;
      if (!frontier.delete(commit.hash)) continue; // only reachable through known commits
      if (known.has(commit.hash)) {
        if (frontier.size === 0) break walk;
        continue;
      }
      await emit(ctx, partition, commit, emitted);
      for (const parent of commit.parents ?? []) if (parent.hash !== undefined) frontier.add(parent.hash);
      if (frontier.size === 0) break walk;
      if (floor !== undefined && time(commit.date) < floor) break walk;
    }
  }
  if (!first) ctx.note('full_resync', `${partition.name}: history rewritten, walked back to known commits`);
  return pages.missing() ? 'missing' : 'done';
}

type Ctx = PartitionContext<RepositoryPartition, CommitsCursor, CloudConfig>;

async function emit(ctx: Ctx, partition: RepositoryPartition, commit: CloudCommit, emitted: CommitRecord[]): Promise<void> {
  const record: CommitRecord = { ...commit, repository_uuid: partition.key };
  emitted.push(record);
  await ctx.record(COMMITS, record);
}

/** The cursor's bounded memory of recent hashes: this run's commits (newest first) before the older ones. */
function remember(emitted: readonly CommitRecord[], cursor: CommitsCursor | undefined, limit: number): Pick<CommitsCursor, 'known' | 'oldest'> {
  const seen = new Set<string>();
  const known: string[] = [];
  for (const hash of [...emitted.map((commit) => commit.hash), ...(cursor?.known ?? [])]) {
    if (known.length >= limit) break;
    if (seen.has(hash)) continue;
    seen.add(hash);
    known.push(hash);
  }
  const dates = new Map(emitted.map((commit) => [commit.hash, commit.date]));
  const lastKept = known[known.length - 1];
  // The oldest date among what is kept: this run's date of the last kept commit, else the previous floor (older, so safe).
  const oldestThisRun = lastKept === undefined ? undefined : dates.get(lastKept);
  const oldest = [oldestThisRun, cursor?.oldest].filter((date): date is string => date !== undefined).sort((a, b) => time(a) - time(b))[0];
  return { known, oldest };
}

/** Pages of a commits listing; a 404 (a ref that does not exist) ends it and is reported by `missing()`. */
function commitPages(ctx: Ctx, partition: RepositoryPartition, refs: { include: string; exclude?: string }): AsyncIterable<Page<CloudCommit>> & { missing(): boolean } {
  const client: ApiClient = ctx.client;
  let missing = false;
  const refQuery: Query = { include: refs.include, ...(refs.exclude === undefined ? {} : { exclude: refs.exclude }) };
  const query = { pagelen: ctx.config.pageSizes.commits, fields: listFields(COMMIT_FIELDS) };
  const long = new URLSearchParams(Object.entries(refQuery).map(([key, value]): [string, string] => [key, String(value)])).toString().length > MAX_QUERY_LENGTH;
  const url = `${repositoryBase(ctx.config, partition)}/commits`;
  const request = long
    ? { method: 'POST' as const, url, query, body: { form: refQuery } }
    : { url, query: { ...query, ...refQuery } };
  const pages = listPages<CloudCommit>(
    client,
    { ...request, context: requestContext(COMMITS, partition), expect: [404], signal: ctx.signal },
    { kind: 'commits', key: (commit) => commit.hash },
  );
  return {
    missing: () => missing,
    async *[Symbol.asyncIterator]() {
      let any = false;
      for await (const page of pages) {
        any = true;
        yield page;
      }
      // cloudPages ends without a page on an expected status (the 404 of an unknown ref).
      if (!any) missing = true;
    },
  };
}

function time(date: string | undefined): number {
  const value = date === undefined ? Number.NaN : Date.parse(date);
  return Number.isNaN(value) ? 0 : value;
}
