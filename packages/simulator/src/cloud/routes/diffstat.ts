/**
 * Diffstats. `GET …/pullrequests/{id}/diffstat` "Redirects to the repository diffstat with the revspec that
 * corresponds to the pull request" (spec: 302); `GET …/diffstat/{spec}` lists one `diffstat` per changed file
 * with `lines_added`/`lines_removed` (faros-ai/airbyte-connectors test fixture `diff_stat.json`). The spec is
 * `[ws/repo:]A%0DB` or `A..B`: the files changed by the commits reachable from A and not from B. Which files
 * a commit touches is derived from the seed and the commit's storage id (append-only, so never moves).
 */
import type { SimResponse } from '../../server.js';
import type { Call } from '../http/call.js';
import { fail } from '../http/errors.js';
import { listPage, readPagelen } from '../http/pages.js';
import { commitHash, isForkPullRequest, markReachable } from '../model/derive.js';
import { mixAll } from '../model/hash.js';
import type { RepositoryState } from '../model/store.js';
import { FILE_PATHS, at } from '../model/words.js';
import { link } from '../render/context.js';
import { forkFullName, repoPath } from '../render/repository.js';
import { resolveRevision } from './commits.js';
import { requireRepository } from './common.js';

export function pullRequestDiffstat(call: Call): SimResponse {
  const repo = requireRepository(call);
  const raw = call.params['id'] ?? '';
  const index = /^\d+$/.test(raw) ? Number(raw) - 1 : -1;
  if (index < 0 || index >= repo.pullRequests.length) fail(404, 'Pull request not found');
  const location = pullRequestDiffstatUrl(call, repo, index);
  return { status: 302, headers: { location, 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from('') };
}

/** Where a pull request's diffstat lives (also its `links.diffstat`). */
export function pullRequestDiffstatUrl(call: Pick<Call, 'ctx'>, repo: RepositoryState, index: number): string {
  const prs = repo.pullRequests;
  const source = commitHash(call.ctx.data, repo, prs.tip[index] as number).slice(0, 12);
  const destination = commitHash(call.ctx.data, repo, prs.dest[index] as number).slice(0, 12);
  const sourceRepository = isForkPullRequest(repo, index) ? forkFullName(call.ctx, repo, index) : `${call.ctx.data.workspace.slug}/${repo.slug}`;
  return `${repoPath(call.ctx, repo)}/diffstat/${sourceRepository}:${source}%0D${destination}?from_pullrequest_id=${index + 1}&topic=true`;
}

interface FileStat {
  added: number;
  removed: number;
  status: 'added' | 'modified';
}

export function repositoryDiffstat(call: Call): SimResponse {
  const repo = requireRepository(call);
  const pagelen = readPagelen(call, { defaultValue: 500, max: 5000 });
  const spec = (call.params['spec'] ?? '').replace(/^[^:]*:/, '');
  const [from, to] = spec.includes('\r') ? spec.split('\r') : spec.includes('..') ? spec.split('..') : [spec, undefined];
  const fromId = from !== undefined ? resolveRevision(call, repo, from, true) : undefined;
  if (fromId === undefined) fail(404, `Commit not found: ${from ?? ''}`);
  const toId = to !== undefined && to !== '' ? resolveRevision(call, repo, to, true) : repo.commits.parent1.get(fromId);
  if (toId === undefined) fail(404, `Commit not found: ${to ?? ''}`);
  const included = new Uint8Array(repo.commits.length);
  markReachable(repo, fromId, included);
  const excluded = new Uint8Array(repo.commits.length);
  if (toId >= 0) markReachable(repo, toId, excluded);
  const files = new Map<string, FileStat>();
  for (let id = 0; id < repo.commits.length; id++) {
    if (included[id] !== 1 || excluded[id] === 1 || repo.commits.parent2.get(id) >= 0) continue;
    for (const change of commitFileChanges(call.ctx.data.seed, repo, id)) {
      const stat = files.get(change.path) ?? { added: 0, removed: 0, status: change.status };
      stat.added += change.added;
      stat.removed += change.removed;
      files.set(change.path, stat);
    }
  }
  const paths = [...files.keys()].sort();
  const fromHash = commitHash(call.ctx.data, repo, fromId);
  const toHash = toId >= 0 ? commitHash(call.ctx.data, repo, toId) : fromHash;
  const render = (k: number): Record<string, unknown> => {
    const path = paths[k] as string;
    const stat = files.get(path) as FileStat;
    const file = (hash: string): Record<string, unknown> => ({ path, type: 'commit_file', escaped_path: path, links: { self: link(`${repoPath(call.ctx, repo)}/src/${hash}/${path}`) } });
    return {
      type: 'diffstat',
      lines_added: stat.added,
      lines_removed: stat.removed,
      status: stat.status,
      old: stat.status === 'added' ? null : file(toHash),
      new: file(fromHash),
    };
  };
  return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: listPage(call, paths.length, render, pagelen) };
}

/** The files one commit changes: 1-3 paths with line counts, derived from (seed, repository, storage id). */
export function commitFileChanges(seed: number, repo: RepositoryState, id: number): { path: string; added: number; removed: number; status: 'added' | 'modified' }[] {
  const h = mixAll(seed, repo.key, id, 0xd1ff);
  const count = 1 + (h % 3);
  const out: { path: string; added: number; removed: number; status: 'added' | 'modified' }[] = [];
  for (let k = 0; k < count; k++) {
    const x = mixAll(h, k);
    const path = at(FILE_PATHS, x % 100);
    if (out.some((c) => c.path === path)) continue;
    const status = x % 7 === 0 ? 'added' : 'modified';
    out.push({ path, added: 1 + ((x >>> 8) % 60), removed: status === 'added' ? 0 : (x >>> 16) % 30, status });
  }
  return out;
}
