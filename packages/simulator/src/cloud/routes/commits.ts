/**
 * `/commits`, `/commits/{revision}` (GET, or POST form-encoded "when the include and exclude parameters are
 * more than can fit in a query string") and `/commit/{sha}`. Like `git log [--all] include ^exclude`:
 * newest first in topological order, iterator pagination with opaque tokens.
 */
import type { SimResponse } from '../../server.js';
import type { Call } from '../http/call.js';
import { fail, ok } from '../http/errors.js';
import { cursorPage, readPagelen } from '../http/pages.js';
import { commitsNewestFirst, findCommit, markReachable, onlyInFork } from '../model/derive.js';
import type { RepositoryState } from '../model/store.js';
import { renderCommit } from '../render/commit.js';
import { requireRepository } from './common.js';
import { branchTips } from './repositories.js';

/**
 * Resolves a branch name or a full/abbreviated hash to a storage id. Unmerged source commits of fork pull
 * requests live in the fork, not here (`withForks`: the diffstat of a pull request names them as `fork:hash`).
 */
export function resolveRevision(call: Call, repo: RepositoryState, revision: string, withForks = false): number | undefined {
  const tip = branchTips(repo).get(revision);
  if (tip !== undefined) return tip;
  const id = findCommit(call.ctx.data, repo, revision);
  return id !== undefined && !withForks && onlyInFork(repo, id) ? undefined : id;
}

export function listCommits(call: Call): SimResponse {
  const repo = requireRepository(call);
  // The commits resource pages by 30 unless asked otherwise.
  const pagelen = readPagelen(call, { defaultValue: 30, max: call.state.switches.cloudMaxPagelen.commits });
  const revision = call.params['revision'];
  const includes = [...(revision !== undefined ? [revision] : []), ...call.query.getAll('include')];
  const excludes = call.query.getAll('exclude');
  const resolve = (name: string): number => {
    const id = resolveRevision(call, repo, name);
    if (id === undefined) fail(404, `Commit not found: ${name}`);
    return id;
  };
  const n = repo.commits.length;
  const included = new Uint8Array(n);
  const includeIds = includes.length > 0 ? includes.map(resolve) : [...branchTips(repo).values()];
  for (const id of includeIds) markReachable(repo, id, included);
  const excluded = new Uint8Array(n);
  for (const id of excludes.map(resolve)) markReachable(repo, id, excluded);
  const ids: number[] = [];
  for (const id of commitsNewestFirst(repo)) if (included[id] === 1 && excluded[id] === 0) ids.push(id);
  const time = repo.commits.time;
  const listing = `commits:${repo.uuid}:${includes.join(',')}:${excludes.join(',')}`;
  return ok(
    cursorPage(
      call,
      listing,
      ids,
      (decoded) => {
        // Resume at the first commit not newer than the anchor, so pushes between pages shift nothing.
        const [anchorTime = 0, anchorId = 0] = decoded ?? [];
        const at = ids.findIndex((id) => time.get(id) < anchorTime || (time.get(id) === anchorTime && id <= anchorId));
        return at < 0 ? ids.length : at;
      },
      (id) => [time.get(id), id],
      2,
      (id) => renderCommit(call.ctx, repo, id),
      pagelen,
    ),
  );
}

export function getCommit(call: Call): SimResponse {
  const repo = requireRepository(call);
  const sha = call.params['sha'] ?? '';
  const id = resolveRevision(call, repo, sha);
  if (id === undefined) fail(404, `Commit not found: ${sha}`);
  return ok(renderCommit(call.ctx, repo, id));
}
