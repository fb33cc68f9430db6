/**
 * `git log until ^since` over the commit columns: rows reachable from `until` and not from `since`, newest first.
 * Repository commit lists are in creation order, which is topological (parents first), so "newest first" is the
 * reverse of that order, as `git log` shows a linear-in-time history.
 */
import type { Dataset } from './dataset.js';
import { branchRef, type RepositoryRecord } from './model.js';

/** A commit id (full or abbreviated) or a branch name / full ref; -1 when nothing matches. */
export function resolveRevision(ds: Dataset, repository: RepositoryRecord, revision: string): number {
  const ref = repository.branches.get(branchRef(revision));
  if (ref !== undefined && ds.commits.alive.get(ref) === 1) return ref;
  return ds.commits.find(repository, revision);
}

/** Marks (by local index) every live commit reachable from `tip`. */
function markReachable(ds: Dataset, repository: RepositoryRecord, tip: number, marks: Uint8Array, value: number): void {
  const commits = ds.commits;
  const stack = [tip];
  while (stack.length > 0) {
    const row = stack.pop() as number;
    if (row < 0 || commits.alive.get(row) !== 1) continue;
    const local = commits.local.get(row);
    if (marks[local] === value) continue;
    marks[local] = value;
    stack.push(commits.parent1.get(row), commits.parent2.get(row));
  }
}

export type MergesFilter = 'include' | 'exclude' | 'only';

/** Rows reachable from `until` but not from `since` (-1 = none), newest first, filtered by merge-ness. */
export function logRows(ds: Dataset, repository: RepositoryRecord, until: number, since: number, merges: MergesFilter = 'include'): number[] {
  if (until < 0) return [];
  const marks = new Uint8Array(repository.commits.length);
  if (since >= 0) markReachable(ds, repository, since, marks, 2);
  // Rows marked 2 (reachable from since) are excluded; walk until, not crossing into excluded rows.
  const commits = ds.commits;
  const stack = [until];
  while (stack.length > 0) {
    const row = stack.pop() as number;
    if (row < 0 || commits.alive.get(row) !== 1) continue;
    const local = commits.local.get(row);
    if (marks[local] !== 0) continue;
    marks[local] = 1;
    stack.push(commits.parent1.get(row), commits.parent2.get(row));
  }
  const rows: number[] = [];
  for (let local = repository.commits.length - 1; local >= 0; local--) {
    if (marks[local] !== 1) continue;
    const row = repository.commits[local] as number;
    const merge = commits.isMerge(row);
    if ((merges === 'exclude' && merge) || (merges === 'only' && !merge)) continue;
    rows.push(row);
  }
  return rows;
}

/** Whether `row` is an ancestor of (or equal to) `tip`. */
export function isAncestor(ds: Dataset, repository: RepositoryRecord, row: number, tip: number): boolean {
  if (row < 0 || tip < 0) return false;
  const marks = new Uint8Array(repository.commits.length);
  markReachable(ds, repository, tip, marks, 1);
  return marks[ds.commits.local.get(row)] === 1;
}
