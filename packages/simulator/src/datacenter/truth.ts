/**
 * Ground truth: everything a full sync as `admin` must produce, in API shape. Kinds are computed lazily on first
 * access, so asking for `pullRequests` of the `large` dataset does not also build a million commit objects.
 */
import { compareText, type Dataset } from './dataset.js';
import { pullRequestRecord } from './derive.js';
import { logRows } from './gitLog.js';
import { displayIdOf } from './model.js';
import type { Shapes } from './shapes.js';
import { orderedTags, renderTag } from './tags.js';
import type { DataCenterTruth } from './types.js';

export function groundTruth(ds: Dataset, shapes: Shapes): DataCenterTruth {
  const repositories = ds.orderedProjects().flatMap((p) => ds.repositoriesOf(p));
  const truth = {} as DataCenterTruth;
  const lazy = <K extends keyof DataCenterTruth>(key: K, build: () => DataCenterTruth[K]): void => {
    let value: DataCenterTruth[K] | undefined;
    Object.defineProperty(truth, key, { enumerable: true, get: () => (value ??= build()) });
  };
  lazy('projects', () => ds.orderedProjects().map((p) => shapes.project(p)));
  lazy('repositories', () => repositories.map((r) => ({ ...shapes.repository(r), defaultBranch: displayIdOf(r.defaultBranch), defaultBranchRef: shapes.minimalRef(r.defaultBranch) })));
  lazy('commits', () => {
    const out: Record<number, ReturnType<Shapes['commit']>[]> = {};
    for (const r of repositories) {
      const tip = ds.defaultTip(r);
      out[r.id] = tip >= 0 && ds.commits.alive.get(tip) === 1 ? logRows(ds, r, tip, -1).map((row) => shapes.commit(row)) : [];
    }
    return out;
  });
  lazy('pullRequests', () => {
    const out: DataCenterTruth['pullRequests'] = {};
    for (const r of repositories) out[r.id] = r.pullRequests.map((row) => shapes.pullRequest(pullRequestRecord(ds, row)));
    return out;
  });
  lazy('activities', () => {
    const out: DataCenterTruth['activities'] = {};
    for (const r of repositories) {
      for (const row of r.pullRequests) {
        const pr = pullRequestRecord(ds, row);
        out[`${r.id}/${pr.id}`] = [...pr.activities].reverse().map((a) => shapes.activity(pr, a));
      }
    }
    return out;
  });
  lazy('prCommits', () => {
    const out: DataCenterTruth['prCommits'] = {};
    for (const r of repositories) {
      for (const row of r.pullRequests) {
        const pr = pullRequestRecord(ds, row);
        if (pr.commitsGone || pr.commits.some((c) => ds.commits.alive.get(c) !== 1)) continue;
        out[`${r.id}/${pr.id}`] = [...pr.commits].reverse().map((c) => shapes.commit(c));
      }
    }
    return out;
  });
  lazy('tags', () => Object.fromEntries(repositories.map((r) => [r.id, orderedTags(ds, r, 'MODIFICATION').map((tag) => renderTag(ds, r, tag))])));
  lazy('users', () => ds.users.filter((u) => !u.deleted).sort((a, b) => compareText(a.name, b.name)).map((u) => shapes.user(u)));
  return truth;
}
