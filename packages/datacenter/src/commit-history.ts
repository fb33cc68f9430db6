/**
 * The bounded memory of a repository's default-branch history kept in the `commits` cursor: the newest known
 * commits (id and committer timestamp), newest first. It is what a force-push is recovered against: the walk
 * from the new tip stops at a commit it remembers, and the remembered commits not met again are deletions.
 */
import type { DcCommit } from './api-types.js';

/** `[commit id, committer timestamp (epoch ms)]`. */
export type KnownCommit = readonly [string, number];

/** The timestamp a commit is ordered by in `/commits` (git log: committer date), falling back to the author date. */
export function commitTime(commit: DcCommit): number {
  return commit.committerTimestamp ?? commit.authorTimestamp ?? 0;
}

/** A commit as remembered. */
export function known(commit: DcCommit): KnownCommit {
  return [commit.id, commitTime(commit)];
}

/**
 * The newest `limit` commits of `added` and `previous` together, without `removed` and duplicates, newest first
 * (ties keep the listing order: `added` before `previous`).
 */
export function mergeRecent(
  added: readonly KnownCommit[],
  previous: readonly KnownCommit[],
  removed: ReadonlySet<string>,
  limit: number,
): KnownCommit[] {
  const seen = new Set<string>();
  const merged: KnownCommit[] = [];
  for (const entry of [...added, ...previous]) {
    if (removed.has(entry[0]) || seen.has(entry[0])) continue;
    seen.add(entry[0]);
    merged.push(entry);
  }
  // A stable sort: equal timestamps keep their order.
  return merged.sort((a, b) => b[1] - a[1]).slice(0, limit);
}

/** The oldest timestamp remembered (the walk's floor), or undefined when nothing is. */
export function floorOf(recent: readonly KnownCommit[]): number | undefined {
  let floor: number | undefined;
  for (const [, time] of recent) floor = floor === undefined ? time : Math.min(floor, time);
  return floor;
}

/** True when some commit of `commits` has `parent` as a parent: `parent` is then an ancestor of their tip. */
export function hasParent(commits: readonly DcCommit[], parent: string): boolean {
  return commits.some((commit) => commit.parents?.some((candidate) => candidate.id === parent) ?? false);
}
