/** Default branch, branches and commits of a repository. */
import { dcErrors } from '../errors.js';
import { logRows, resolveRevision, type MergesFilter } from '../gitLog.js';
import { displayIdOf } from '../model.js';
import { pageOf, pageRequest } from '../paging.js';
import { orderedTags, renderTag } from '../tags.js';
import type { RestPage } from '../rest.js';
import { enumParam, flag, requireRepository, type EndpointContext, type EndpointResult } from './context.js';

/** GET …/default-branch: the configured default branch as RestMinimalRef, even when the ref does not exist yet. */
export function getDefaultBranchRef(ctx: EndpointContext): EndpointResult {
  const repository = requireRepository(ctx);
  return { body: ctx.shapes.minimalRef(repository.defaultBranch) };
}

/** GET …/branches/default (deprecated): RestBranch; 204 for an empty repository; 404 when the branch is missing. */
export function getDefaultBranch(ctx: EndpointContext): EndpointResult {
  const repository = requireRepository(ctx);
  const tip = ctx.ds.defaultTip(repository);
  if (tip >= 0 && ctx.ds.commits.alive.get(tip) === 1) return { body: ctx.shapes.branch(repository, repository.defaultBranch, tip) };
  const hasCommits = [...repository.branches.values()].some((row) => ctx.ds.commits.alive.get(row) === 1);
  if (!hasCommits) return { status: 204 };
  throw dcErrors.noSuchBranch(displayIdOf(repository.defaultBranch), repository.slug);
}

/** GET …/branches: `filterText`, `orderBy` (ALPHABETICAL | MODIFICATION), `details`. */
export function listBranches(ctx: EndpointContext): EndpointResult {
  const repository = requireRepository(ctx);
  const filterText = (ctx.query.get('filterText') ?? '').toLowerCase();
  const orderBy = enumParam(ctx.query, 'orderBy', ['ALPHABETICAL', 'MODIFICATION'] as const, 'MODIFICATION');
  const details = flag(ctx.query, 'details', false);
  const commits = ctx.ds.commits;
  const branches = [...repository.branches.entries()].filter(([ref, tip]) => commits.alive.get(tip) === 1 && displayIdOf(ref).toLowerCase().includes(filterText));
  branches.sort(([a, ta], [b, tb]) => {
    if (orderBy === 'ALPHABETICAL') return a < b ? -1 : a > b ? 1 : 0;
    return commits.commitTime.get(tb) - commits.commitTime.get(ta) || (a < b ? -1 : 1);
  });
  return { body: pageOf(branches, pageRequest(ctx.query, ctx.switches.dataCenterMaxLimit.default), ([ref, tip]) => ctx.shapes.branch(repository, ref, tip, details)) };
}

/**
 * GET …/commits: `until` (inclusive; default the default branch's tip), `since` (exclusive), `merges`,
 * `ignoreMissing`, `withCounts`; newest first like git log; `limit` capped at page.max.commits.
 */
export function listCommits(ctx: EndpointContext): EndpointResult {
  const repository = requireRepository(ctx);
  const q = ctx.query;
  const merges = enumParam<MergesFilter>(q, 'merges', ['include', 'exclude', 'only'], 'include');
  const ignoreMissing = flag(q, 'ignoreMissing', false);
  const page = pageRequest(q, ctx.switches.dataCenterMaxLimit.commits);
  const emptyPage: RestPage<never> = { size: 0, limit: page.limit, isLastPage: true, values: [], start: page.start, nextPageStart: null };
  const untilParam = q.get('until');
  let until: number;
  if (untilParam) {
    until = resolveRevision(ctx.ds, repository, untilParam);
    if (until < 0) {
      if (ignoreMissing) return { body: emptyPage };
      throw dcErrors.noSuchCommit(untilParam, repository.slug);
    }
  } else {
    until = ctx.ds.defaultTip(repository);
    if (until < 0 || ctx.ds.commits.alive.get(until) !== 1) {
      if (ignoreMissing || repository.commits.length === 0) return { body: emptyPage };
      throw dcErrors.noSuchCommit(repository.defaultBranch, repository.slug);
    }
  }
  const sinceParam = q.get('since');
  let since = -1;
  if (sinceParam) {
    since = resolveRevision(ctx.ds, repository, sinceParam);
    // Without ignoreMissing an unknown `since` is an error; with it, `since` is ignored (git's --ignore-missing).
    if (since < 0 && !ignoreMissing) throw dcErrors.noSuchCommit(sinceParam, repository.slug);
  }
  const rows = logRows(ctx.ds, repository, until, since, merges);
  const body = pageOf(rows, page, (row) => ctx.shapes.commit(row));
  if (!flag(q, 'withCounts', false)) return { body };
  const authors = new Set(rows.map((row) => ctx.ds.commits.author.get(row)));
  return { body: { ...body, authorCount: authors.size, totalCount: rows.length } };
}

/**
 * GET …/commits/{commitId}: commit ids only; ref names are rejected (since 2.11). Unlike listings, the single
 * commit's parents are full commits (jenkinsci/bitbucket-branch-source-plugin's recorded `commits/{id}`).
 */
export function getCommit(ctx: EndpointContext): EndpointResult {
  const repository = requireRepository(ctx);
  const id = ctx.params['commitId'] ?? '';
  const row = ctx.ds.commits.find(repository, id);
  if (row < 0) throw dcErrors.noSuchCommit(id, repository.slug);
  return { body: ctx.shapes.commit(row, true) };
}

/** GET …/tags: `filterText` (substring of the name), `orderBy` (ALPHABETICAL | MODIFICATION, default MODIFICATION: newest commit first). */
export function listTags(ctx: EndpointContext): EndpointResult {
  const repository = requireRepository(ctx);
  const filterText = (ctx.query.get('filterText') ?? '').toLowerCase();
  const orderBy = enumParam(ctx.query, 'orderBy', ['ALPHABETICAL', 'MODIFICATION'] as const, 'MODIFICATION');
  const tags = orderedTags(ctx.ds, repository, orderBy).filter((tag) => tag.name.toLowerCase().includes(filterText));
  return { body: pageOf(tags, pageRequest(ctx.query, ctx.switches.dataCenterMaxLimit.default), (tag) => renderTag(ctx.ds, repository, tag)) };
}
