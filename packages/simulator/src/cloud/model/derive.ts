/** Values derived on demand from the seed and the columns: hashes, messages, titles, branch names, uuids. */
import { braceUuidOf, hexOf, mixAll, saltOf } from './hash.js';
import { CommitKind, PrState, type CloudData, type RepositoryState } from './store.js';
import { NOUNS, VERBS, at } from './words.js';

const PIPELINE_SALT = saltOf('pipeline');

/** The 40-character hash of a commit (storage id). */
export function commitHash(data: CloudData, repo: RepositoryState, id: number): string {
  return hexOf(40, data.seed, repo.key, id);
}

/** Pull request title (control API renames win). */
export function prTitle(repo: RepositoryState, index: number): string {
  const renamed = repo.pullRequests.titles.get(index);
  if (renamed !== undefined) return renamed;
  const salt = repo.pullRequests.salt[index] as number;
  return `${at(VERBS, salt)} ${at(NOUNS, salt >>> 5)}`;
}

export function prDescription(repo: RepositoryState, index: number): string {
  const changed = repo.pullRequests.descriptions.get(index);
  if (changed !== undefined) return changed;
  const salt = repo.pullRequests.salt[index] as number;
  if (salt % 4 === 0) return '';
  return `This change ${at(VERBS, salt >>> 9).toLowerCase()}s ${at(NOUNS, salt >>> 13)}.\n\n* tested locally\n* see ticket ACME-${salt % 9000}`;
}

/**
 * Whether pull request `index` comes from a fork (its source branch and unmerged commits live in the fork,
 * the author's copy of the repository): about one generated pull request in eleven, drawn from its salt, and
 * those the control API opened `fromFork`.
 */
export function isForkPullRequest(repo: RepositoryState, index: number): boolean {
  const prs = repo.pullRequests;
  if (prs.forks.has(index)) return true;
  return prs.generated[index] === 1 && ((prs.salt[index] as number) >>> 4) % 11 === 3;
}

/** Whether commit `id` is only in a fork: a source commit of a fork pull request that was not merged. */
export function onlyInFork(repo: RepositoryState, id: number): boolean {
  const commits = repo.commits;
  if (commits.kind.get(id) !== CommitKind.Side) return false;
  const owner = commits.pr.get(id) - 1;
  return owner >= 0 && isForkPullRequest(repo, owner) && repo.pullRequests.state[owner] !== PrState.Merged;
}

/** Source branch name, e.g. `feature/retry-logic-12`. */
export function prBranch(repo: RepositoryState, index: number): string {
  const salt = repo.pullRequests.salt[index] as number;
  const prefix = salt % 3 === 0 ? 'bugfix' : 'feature';
  const noun = at(NOUNS, salt >>> 5).replace(/^the /, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  return `${prefix}/${noun}-${index + 1}`;
}

/** Commit message (ends with a newline, as git stores them). */
export function commitMessage(repo: RepositoryState, id: number): string {
  const commits = repo.commits;
  const kind = commits.kind.get(id);
  const owner = commits.pr.get(id) - 1;
  const salt = mixAll(repo.key, id);
  if (kind === CommitKind.Merge && owner >= 0) {
    return `Merged in ${prBranch(repo, owner)} (pull request #${owner + 1})\n\n${prTitle(repo, owner)}\n`;
  }
  if (kind === CommitKind.Merge) return `Merge branch 'hotfix/${id}'\n`;
  const subject = `${at(VERBS, salt)} ${at(NOUNS, salt >>> 7)}`;
  if (salt % 3 === 0) return `${subject}\n\nDetails: ${at(NOUNS, salt >>> 11)} needed attention.\n`;
  return `${subject}\n`;
}

/** Whether the commit author maps to a Bitbucket user (some commits come from unmapped emails). */
export function commitAuthorMapped(repo: RepositoryState, id: number): boolean {
  return mixAll(repo.key, id, 5) % 20 !== 0;
}

export function pipelineUuid(data: CloudData, repo: RepositoryState, index: number): string {
  return braceUuidOf(data.seed, repo.key, PIPELINE_SALT, index);
}

/** Storage ids by hash prefix (7 characters), built lazily per repository version. */
const lookupCache = new WeakMap<RepositoryState, { size: number; map: Map<string, number[]> }>();

/** Resolves a full or abbreviated (>= 7 characters... the real API accepts shorter too; we need 4+) hash. */
export function findCommit(data: CloudData, repo: RepositoryState, hash: string): number | undefined {
  const wanted = hash.toLowerCase();
  if (!/^[0-9a-f]{4,40}$/.test(wanted)) return undefined;
  if (wanted.length < 7) {
    const matches: number[] = [];
    for (let id = 0; id < repo.commits.length; id++) if (commitHash(data, repo, id).startsWith(wanted)) matches.push(id);
    return matches.length === 1 ? matches[0] : undefined;
  }
  let cache = lookupCache.get(repo);
  if (!cache) {
    cache = { size: 0, map: new Map() };
    lookupCache.set(repo, cache);
  }
  for (; cache.size < repo.commits.length; cache.size++) {
    const key = commitHash(data, repo, cache.size).slice(0, 7);
    const list = cache.map.get(key);
    if (list) list.push(cache.size);
    else cache.map.set(key, [cache.size]);
  }
  const candidates = (cache.map.get(wanted.slice(0, 7)) ?? []).filter((id) => commitHash(data, repo, id).startsWith(wanted));
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** Marks every commit reachable from `start` (following all parents). */
export function markReachable(repo: RepositoryState, start: number, marks: Uint8Array): void {
  const stack = [start];
  const { parent1, parent2 } = repo.commits;
  while (stack.length > 0) {
    const id = stack.pop() as number;
    if (id < 0 || marks[id] === 1) continue;
    marks[id] = 1;
    stack.push(parent1.get(id));
    const second = parent2.get(id);
    if (second >= 0) stack.push(second);
  }
}

const orderCache = new WeakMap<RepositoryState, { length: number; order: Int32Array }>();

/**
 * All storage ids, newest first: by time (children are always younger than their parents, so this is also
 * a topological order), ties by storage id.
 */
export function commitsNewestFirst(repo: RepositoryState): Int32Array {
  const cached = orderCache.get(repo);
  if (cached && cached.length === repo.commits.length) return cached.order;
  const time = repo.commits.time;
  const order = Int32Array.from({ length: repo.commits.length }, (_, i) => i);
  order.sort((a, b) => time.get(b) - time.get(a) || b - a);
  orderCache.set(repo, { length: repo.commits.length, order });
  return order;
}

/** The default branch's commits, newest first. */
export function defaultBranchCommits(repo: RepositoryState): number[] {
  const marks = new Uint8Array(repo.commits.length);
  if (repo.head >= 0) markReachable(repo, repo.head, marks);
  const out: number[] = [];
  for (const id of commitsNewestFirst(repo)) if (marks[id] === 1) out.push(id);
  return out;
}

/** A pull request's own commits (source tip back to where it left the destination), newest first. */
export function pullRequestCommits(repo: RepositoryState, index: number): number[] {
  const out: number[] = [];
  const commits = repo.commits;
  let id = repo.pullRequests.tip[index] as number;
  while (id >= 0 && commits.pr.get(id) === index + 1 && commits.kind.get(id) === CommitKind.Side) {
    out.push(id);
    id = commits.parent1.get(id);
  }
  return out;
}
