/** Shared pieces of route handlers: repository lookup, q/sort/fields handling. */
import { QueryError, matches, parseQuery, parseSort, queryPaths, sortBy, type Query } from '../http/bbql.js';
import type { Call } from '../http/call.js';
import { fail } from '../http/errors.js';
import type { RepositoryState } from '../model/store.js';

/** The repository named by `{ws}/{repo}`, checked against the credential's reach. */
export function requireRepository(call: Call): RepositoryState {
  const ws = call.params['ws'] ?? '';
  const slug = call.params['repo'] ?? '';
  const repo = call.state.isWorkspace(ws) ? call.state.findRepository(slug) : undefined;
  if (!repo) fail(404, `Repository ${ws}/${slug} not found`);
  if (!call.state.credentials.canSee(call.identity, repo.index)) {
    fail(403, 'Access denied. You must have access to this repository to perform this action.');
  }
  return repo;
}

export function requireWorkspace(call: Call): void {
  const ws = call.params['ws'] ?? '';
  if (!call.state.isWorkspace(ws)) fail(404, `No workspace with identifier '${ws}'.`);
}

/** Parses `q`, checking every named field's first segment against the resource's fields. */
export function readQuery(call: Call, knownRoots: readonly string[]): Query | undefined {
  const q = call.query.get('q');
  if (q === null || q.trim() === '') return undefined;
  let query: Query;
  try {
    query = parseQuery(q);
  } catch (error) {
    fail(400, `Invalid query: ${(error as QueryError).message}`);
  }
  for (const path of queryPaths(query)) {
    if (!knownRoots.includes(path[0] as string)) fail(400, `'${path.join('.')}' is not a valid field name`);
  }
  return query;
}

/** Filters and sorts rendered items by `q` and `sort` (one field, `-` for descending). */
export function filterAndSort<T>(call: Call, items: readonly T[], valueOf: (item: T) => unknown, query: Query | undefined, knownRoots: readonly string[]): T[] {
  let out = query ? items.filter((item) => matches(query, valueOf(item))) : [...items];
  const sort = call.query.get('sort');
  if (sort !== null && sort.trim() !== '') {
    let parsed: { path: string[]; descending: boolean };
    try {
      parsed = parseSort(sort);
    } catch (error) {
      fail(400, (error as Error).message);
    }
    if (!knownRoots.includes(parsed.path[0] as string)) fail(400, `'${parsed.path.join('.')}' is not a valid sort field`);
    out = sortBy(out, parsed.path, parsed.descending, valueOf);
  }
  return out;
}

/** Whether the request sorts by something other than the default (so every row must be rendered). */
export function hasSortOrQuery(call: Call): boolean {
  return Boolean(call.query.get('q')?.trim() || call.query.get('sort')?.trim());
}
