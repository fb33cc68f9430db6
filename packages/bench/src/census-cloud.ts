/**
 * The Bitbucket Cloud census from the Cloud simulator's ground truth (listing ids as in floors.ts'
 * CLOUD_LISTINGS). Runs inside the simulator process.
 */
import type { CensusBuilder, TruthReader } from './census.js';
import type { Census } from './protocol.js';

type CloudObject = Readonly<Record<string, unknown>>;

/** The part of the Cloud ground truth the census reads. */
export interface CloudTruthLike {
  readonly repositories: readonly CloudObject[];
  readonly members: readonly CloudObject[];
  /** By repository uuid. */
  readonly pullrequests: Readonly<Record<string, readonly CloudObject[]>>;
  /** By `${repositoryUuid}#${pullRequestId}`, newest first. */
  readonly activity: Readonly<Record<string, readonly CloudObject[]>>;
  /** By `${repositoryUuid}#${pullRequestId}`. */
  readonly comments: Readonly<Record<string, readonly CloudObject[]>>;
  readonly prCommits: Readonly<Record<string, readonly CloudObject[]>>;
  /** By repository uuid. */
  readonly commits: Readonly<Record<string, readonly CloudObject[]>>;
  readonly pipelines: Readonly<Record<string, readonly CloudObject[]>>;
}

const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value));

/**
 * Activity items have no id; they are listed newest first, so an item's position counted from the oldest end
 * is stable while new items arrive.
 */
function withStableKeys(prKey: string, items: readonly CloudObject[]): { key: string; item: CloudObject }[] {
  return items.map((item, i) => ({ key: `${prKey}/${items.length - 1 - i}`, item }));
}

/** Default-branch commit hashes by repository uuid, cheap (`control.truthIds()`), when no diff is needed. */
export type CommitIds = Readonly<Record<string, readonly string[]>>;

/**
 * Census id of the commit GETs the commit-details enrichment cannot avoid (not a listing: see floors.ts'
 * ENRICHMENTS): its pull request hashes that no listing of the specification gives.
 */
export const COMMIT_DETAILS_CENSUS = 'commit-details';

/** Census id of every pull request hash the commit-details enrichment wants to fill (free or not). */
export const COMMIT_HASHES_CENSUS = 'commit-hashes';

/** Length of the abbreviated hashes pull request objects carry (`hash` of `merge_commit`, `source.commit`, …). */
const SHORT_HASH = 12;

const commitHashOf = (ref: unknown): string | undefined => {
  const hash = (ref as { commit?: { hash?: unknown } } | null | undefined)?.commit?.hash;
  return typeof hash === 'string' ? hash.slice(0, SHORT_HASH).toLowerCase() : undefined;
};

/** A pull request's commit that may cost a single GET: which one, and its abbreviated hash. */
interface CommitNeed {
  readonly key: string;
  readonly hash: string;
}

/**
 * The pull request commits whose full hash (or, for commit_details, whole object) no listing a sync reads
 * gives, before the default-branch history is checked: a merge commit not among the pull request's own
 * commits, and the source tip of a pull request whose commits are no longer listed (its branch is gone).
 * Destination commits are left out: bbsync resolves them only when known for free (and they are default-branch
 * commits anyway).
 */
function commitNeeds(prKey: string, pullRequest: CloudObject, prCommits: readonly CloudObject[]): CommitNeed[] {
  const own = new Set(prCommits.map((commit) => text(commit.hash).slice(0, SHORT_HASH).toLowerCase()));
  const needs: CommitNeed[] = [];
  const merge = commitHashOf({ commit: pullRequest.merge_commit });
  if (merge !== undefined && !own.has(merge)) needs.push({ key: `${prKey}/merge`, hash: merge });
  const source = commitHashOf(pullRequest.source);
  // A fork pull request's source tip lives in the fork: no lookup in this repository can give it.
  const repositoryOf = (end: unknown): string | undefined => text(((end as CloudObject | undefined)?.repository as CloudObject | undefined)?.uuid) || undefined;
  const fromFork = repositoryOf(pullRequest.source) !== repositoryOf(pullRequest.destination);
  if (source !== undefined && prCommits.length === 0 && !fromFork) needs.push({ key: `${prKey}/source`, hash: source });
  return needs;
}

/**
 * The Cloud census. Activity counts as one repository-wide feed per repository (cheaper than per pull
 * request). `commitIds`, when given, replaces the rendered commits (the large workspace has 500,000).
 *
 * Besides the listings it counts, for the commit-details enrichment, the pull request hashes it fills (as
 * {@link COMMIT_HASHES_CENSUS}) and the commit GETs it cannot avoid (as {@link COMMIT_DETAILS_CENSUS}): a pull
 * request's merge commit, or the source tip of one whose branch is gone, that is neither in the pull request's
 * commit listing nor in the default branch's history (which a sync reads whole on a first run, so everything
 * on it resolves for free). Keyed per pull request and commit, so an incremental run counts only new ones.
 */
export function cloudCensus(read: TruthReader<CloudTruthLike>, builder: CensusBuilder, commitIds?: CommitIds): Census {
  const repositories = read('repositories');
  builder.add('repositories', repositories, (r) => text(r.uuid));
  builder.add('members', read('members'), (m) => text((m.user as CloudObject | undefined)?.uuid));
  const pullrequests = read('pullrequests');
  for (const repository of repositories) {
    const uuid = text(repository.uuid);
    builder.add('pullrequests', pullrequests[uuid] ?? [], (pr) => `${uuid}#${text(pr.id)}`);
  }
  const byPullRequest = (kind: 'activity' | 'comments' | 'prCommits', each: (prKey: string, items: readonly CloudObject[]) => void): void => {
    const all = read(kind);
    for (const repository of repositories) {
      const uuid = text(repository.uuid);
      for (const pr of pullrequests[uuid] ?? []) {
        const prKey = `${uuid}#${text(pr.id)}`;
        each(prKey, all[prKey] ?? []);
      }
    }
  };
  const feeds = new Map<string, { key: string; item: CloudObject }[]>();
  byPullRequest('activity', (prKey, items) => {
    const uuid = prKey.slice(0, prKey.lastIndexOf('#'));
    const feed = feeds.get(uuid) ?? [];
    feeds.set(uuid, feed);
    feed.push(...withStableKeys(prKey, items));
  });
  for (const repository of repositories) builder.add('pullrequest-activity', feeds.get(text(repository.uuid)) ?? [], (entry) => entry.key);
  feeds.clear();
  byPullRequest('comments', (prKey, items) => builder.add('pullrequest-comments', items, (c) => `${prKey}/${text(c.id)}`));
  // Pull requests by key, to find each one's commit references while its commit listing is at hand.
  const pullRequestByKey = new Map<string, CloudObject>();
  for (const repository of repositories) for (const pr of pullrequests[text(repository.uuid)] ?? []) pullRequestByKey.set(`${text(repository.uuid)}#${text(pr.id)}`, pr);
  const needsByRepository = new Map<string, CommitNeed[]>();
  byPullRequest('prCommits', (prKey, items) => {
    builder.add('pullrequest-commits', items, (c) => `${prKey}/${text(c.hash)}`);
    const needs = commitNeeds(prKey, pullRequestByKey.get(prKey) ?? {}, items);
    if (needs.length === 0) return;
    const uuid = prKey.slice(0, prKey.lastIndexOf('#'));
    const known = needsByRepository.get(uuid);
    if (known === undefined) needsByRepository.set(uuid, needs);
    else known.push(...needs);
  });
  pullRequestByKey.clear();
  // What the default branch's history leaves unresolved costs a GET.
  const addCommitDetails = (uuid: string, history: readonly string[]): void => {
    const onHistory = new Set(history.map((hash) => hash.slice(0, SHORT_HASH).toLowerCase()));
    const needs = needsByRepository.get(uuid) ?? [];
    builder.add(COMMIT_HASHES_CENSUS, needs, (need) => need.key);
    builder.add(COMMIT_DETAILS_CENSUS, needs.filter((need) => !onHistory.has(need.hash)), (need) => need.key);
  };
  if (commitIds !== undefined) {
    for (const repository of repositories) {
      const uuid = text(repository.uuid);
      builder.add('commits', commitIds[uuid] ?? [], (hash) => `${uuid}/${hash}`);
      addCommitDetails(uuid, commitIds[uuid] ?? []);
    }
  } else {
    const commits = read('commits');
    for (const repository of repositories) {
      const uuid = text(repository.uuid);
      builder.add('commits', commits[uuid] ?? [], (c) => `${uuid}/${text(c.hash)}`);
      addCommitDetails(uuid, (commits[uuid] ?? []).map((c) => text(c.hash)));
    }
  }
  const pipelines = read('pipelines');
  for (const repository of repositories) builder.add('pipelines', pipelines[text(repository.uuid)] ?? [], (p) => `${text(repository.uuid)}/${text(p.uuid)}`);
  return builder.build('cloud', repositories.length);
}
