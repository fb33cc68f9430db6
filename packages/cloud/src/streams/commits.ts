/**
 * `commits`: the default branch's history, never rescanned.
 *
 * - First sync: `GET /commits?include=<main branch>` newest first ("reverse chronological … topological
 *   order", Cloud spec), down to `startDate` when one is set.
 * - Later runs: `include=<main branch>&exclude=<parents of the previous head>` returns the commits pushed
 *   since PLUS the previous head itself while it is still on the branch (`git log main ^head~`): one request,
 *   usually one page, and it proves the push was a fast-forward. (Excluding the head itself would not: a
 *   force-pushed-away commit still exists, so Bitbucket answers normally and a rewrite would go unnoticed.)
 *   The form POST is used when the query would be too long ("When the include and exclude parameters are
 *   more than can fit in a query string, clients can use a x-www-form-urlencoded POST instead").
 * - Force-push (the previous head is no longer on the branch, or a 404 for a garbage-collected commit) or a
 *   changed main branch: walk from the new head and stop once every parent line reaches a commit known from
 *   the cursor's bounded set of recent hashes, or passes a bounded look-back before the oldest of them. No
 *   history replay, no lost commit; known commits that fell off the branch get deletion markers.
 * - Idle gate: while the repository's `updated_on` (free, from the listing) is unchanged and pushes bump it,
 *   nothing is requested at all.
 */
import type { ApiClient, Page, PartitionContext, Query, StreamDefinition } from '@bbsync/core';
import type { CloudConfig } from '../config.js';
import { COMMIT_FIELDS, listFields } from '../fields.js';
import { listPages } from '../listing.js';
import { repositoryBase, repositoryFacts, requestContext, type RepositoryPartition } from '../partition.js';
import type { CloudCommit } from '../records.js';
import { millis } from '../time.js';
import { registered, rememberMergeCommit } from './merge-registry.js';

export const COMMITS = 'commits';

export interface CommitsCursor {
  readonly version: 1;
  /** The main branch the history was read from (null: an empty repository). */
  readonly branch: string | null;
  /** Its head when last read, and the head's parents (excluded next time, so the head itself shows up). */
  readonly head?: string | undefined;
  readonly headParents?: readonly string[] | undefined;
  /** The repository's `updated_on` when last read (the idle gate). */
  readonly updatedOn?: string | undefined;
  /** Full hashes of the newest known commits of the branch, newest first, bounded by `knownCommits`. */
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

type Ctx = PartitionContext<RepositoryPartition, CommitsCursor, CloudConfig>;

/** What one run learned: commits written (newest first) and known commits no longer on the branch. */
interface Walk {
  /** The branch's newest commit as this run saw it (written or known). */
  tip?: CloudCommit | undefined;
  /**
   * Hash and date of the commits written this run, newest first, only as many as the cursor remembers
   * (`knownCommits`): a first sync of a long history must not hold every commit it wrote until the end.
   */
  readonly emitted: Pick<CloudCommit, 'hash' | 'date'>[];
  removed: string[];
  missing: boolean;
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

    registered(ctx.client, partition.key);
    const walk: Walk = { emitted: [], removed: [], missing: false };
    if (cursor?.head !== undefined && cursor.branch === branch && (cursor.headParents?.length ?? 0) > 0) {
      const fastForward = await readSince(ctx, partition, branch, cursor, walk);
      if (!fastForward) await walkToKnown(ctx, partition, branch, cursor, walk);
    } else if (cursor !== undefined && cursor.known.length > 0) {
      await walkToKnown(ctx, partition, branch, cursor, walk);
    } else {
      await readHistory(ctx, partition, branch, walk);
    }
    if (walk.missing) {
      // The main branch the listing named is gone (deleted or renamed since): try again next run.
      ctx.absence(`main branch "${branch}" not found`, 404);
      return cursor === undefined ? undefined : { ...cursor, updatedOn: undefined };
    }
    for (const hash of walk.removed) await ctx.deleted(COMMITS, commitKey({ repository_uuid: partition.key, hash }));

    const tip = walk.tip;
    return {
      version: 1,
      branch,
      head: tip !== undefined ? tip.hash : cursor?.head,
      headParents: tip !== undefined ? parentsOf(tip) : cursor?.headParents,
      updatedOn: facts.updatedOn,
      ...remember(walk, cursor, config.knownCommits),
    };
  },
};

/**
 * `include=<branch>&exclude=<parents of the previous head>`: the new commits and the previous head. Returns
 * false when the previous head is not among them (the branch was rewritten) or a ref is unknown (404).
 */
async function readSince(ctx: Ctx, partition: RepositoryPartition, branch: string, cursor: CommitsCursor, walk: Walk): Promise<boolean> {
  const head = cursor.head as string;
  const fresh: CloudCommit[] = [];
  let sawHead = false;
  const pages = commitPages(ctx, partition, { include: [branch], exclude: cursor.headParents ?? [] });
  for await (const page of pages) {
    for (const commit of page.items) {
      walk.tip ??= commit;
      if (commit.hash === head) sawHead = true;
      else fresh.push(commit);
    }
  }
  if (pages.missing() || !sawHead) {
    walk.tip = undefined;
    return false;
  }
  for (const commit of fresh) await emit(ctx, partition, commit, walk);
  return true;
}

/** A first sync: the whole history of the branch (down to `startDate`). */
async function readHistory(ctx: Ctx, partition: RepositoryPartition, branch: string, walk: Walk): Promise<void> {
  const start = ctx.startDate?.getTime();
  const pages = commitPages(ctx, partition, { include: [branch], exclude: [] });
  for await (const page of pages) {
    let anyNewer = false;
    for (const commit of page.items) {
      walk.tip ??= commit;
      if (start !== undefined && millis(commit.date) < start) continue;
      anyNewer = true;
      await emit(ctx, partition, commit, walk);
    }
    // Topological order is close to date order but not exactly: stop only after a page that is all older.
    if (start !== undefined && !anyNewer) break;
  }
  walk.missing = pages.missing();
}

/**
 * After a force-push or a main-branch change: walks from the new head, following only the parent lines not
 * yet known (a frontier of needed hashes). Stops when the frontier is empty (every line reached a known
 * commit) or a commit is older than the look-back floor (`oldest` known − `forcePushLookbackDays`). Known
 * commits newer than the newest known commit reached, and not seen on the way, fell off the branch.
 */
async function walkToKnown(ctx: Ctx, partition: RepositoryPartition, branch: string, cursor: CommitsCursor, walk: Walk): Promise<void> {
  const position = new Map(cursor.known.map((hash, index) => [hash, index]));
  const floor = cursor.oldest === undefined ? undefined : millis(cursor.oldest) - ctx.config.forcePushLookbackDays * 86_400_000;
  const frontier = new Set<string>();
  const seen = new Set<string>();
  let newestReached: number | undefined;
  let first = true;
  const pages = commitPages(ctx, partition, { include: [branch], exclude: [] });
  walk: for await (const page of pages) {
    for (const commit of page.items) {
      if (first) {
        frontier.add(commit.hash);
        walk.tip = commit;
      }
      first = false;
      seen.add(commit.hash);
      if (!frontier.delete(commit.hash)) continue; // only reachable through known commits
      const known = position.get(commit.hash);
      if (known !== undefined) {
        newestReached = Math.min(newestReached ?? known, known);
        if (frontier.size === 0) break walk;
        continue;
      }
      await emit(ctx, partition, commit, walk);
      for (const parent of commit.parents ?? []) if (parent.hash !== undefined) frontier.add(parent.hash);
      if (frontier.size === 0) break walk;
      if (floor !== undefined && millis(commit.date) < floor) break walk;
    }
  }
  walk.missing = pages.missing();
  if (walk.missing) return;
  ctx.note('full_resync', `${partition.name}: main branch rewritten or changed; walked back to known commits`);
  // Without reaching a known commit nothing can be said about what was removed: write no deletion.
  if (newestReached !== undefined) walk.removed = cursor.known.slice(0, newestReached).filter((hash) => !seen.has(hash));
}

async function emit(ctx: Ctx, partition: RepositoryPartition, commit: CloudCommit, walk: Walk): Promise<void> {
  const record: CommitRecord = { ...commit, repository_uuid: partition.key };
  // remember() keeps the first `knownCommits` hashes of this run's commits before any older one: later ones are never kept.
  if (walk.emitted.length < ctx.config.knownCommits) walk.emitted.push({ hash: commit.hash, date: commit.date });
  if ((commit.parents?.length ?? 0) >= 2) rememberMergeCommit(ctx.client, partition.key, commit.hash);
  await ctx.record(COMMITS, record);
}

function parentsOf(commit: CloudCommit): string[] {
  return (commit.parents ?? []).map((parent) => parent.hash).filter((hash): hash is string => hash !== undefined);
}

/** The cursor's bounded memory of recent hashes: this run's commits (newest first) before the older ones still on the branch. */
function remember(walk: Walk, cursor: CommitsCursor | undefined, limit: number): Pick<CommitsCursor, 'known' | 'oldest'> {
  const removed = new Set(walk.removed);
  const seen = new Set<string>();
  const known: string[] = [];
  for (const hash of [...walk.emitted.map((commit) => commit.hash), ...(cursor?.known ?? [])]) {
    if (known.length >= limit) break;
    if (seen.has(hash) || removed.has(hash)) continue;
    seen.add(hash);
    known.push(hash);
  }
  const dates = new Map(walk.emitted.map((commit) => [commit.hash, commit.date]));
  const lastKept = known[known.length - 1];
  // The oldest date among what is kept: this run's date of the last kept commit, else the previous floor (older, so safe).
  const candidates = [lastKept === undefined ? undefined : dates.get(lastKept), cursor?.oldest].filter((date): date is string => date !== undefined);
  const oldest = candidates.sort((a, b) => millis(a) - millis(b))[0];
  return { known, oldest };
}

/** Pages of a commits listing; a 404 (a ref that does not exist) ends it and is reported by `missing()`. */
function commitPages(
  ctx: Ctx,
  partition: RepositoryPartition,
  refs: { include: readonly string[]; exclude: readonly string[] },
): AsyncIterable<Page<CloudCommit>> & { missing(): boolean } {
  const client: ApiClient = ctx.client;
  let missing = false;
  const refQuery: Query = { include: [...refs.include], ...(refs.exclude.length === 0 ? {} : { exclude: [...refs.exclude] }) };
  const query = { pagelen: ctx.config.pageSizes.commits, fields: listFields(COMMIT_FIELDS) };
  const length = [...refs.include, ...refs.exclude].reduce((sum, ref) => sum + encodeURIComponent(ref).length + 9, 0);
  const url = `${repositoryBase(ctx.config, partition)}/commits`;
  const request = length > MAX_QUERY_LENGTH ? { method: 'POST' as const, url, query, body: { form: refQuery } } : { url, query: { ...query, ...refQuery } };
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
      // The paginator ends without a page on an expected status (the 404 of an unknown ref).
      if (!any) missing = true;
    },
  };
}
