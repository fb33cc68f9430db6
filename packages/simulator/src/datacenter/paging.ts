/**
 * DC paging: `start`/`limit` (default 25), the limit silently clamped to a per-resource hard cap and echoed, `size` =
 * items on this page, `isLastPage`, and `nextPageStart` (null on the last page) which "must be used by the client
 * as the start parameter … not necessarily the start of the last page plus the last page's size" [spec] DS-narr.
 */
import { dcErrors } from './errors.js';
import type { RestPage } from './rest.js';

export const DEFAULT_LIMIT = 25;

export interface PageRequest {
  readonly start: number;
  /** Effective limit after clamping. */
  readonly limit: number;
}

function nonNegativeInt(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw dcErrors.invalid(name, `The ${name} parameter must be a number.`);
  const value = Number(raw);
  if (value < 0) throw dcErrors.invalid(name, `The ${name} parameter must be 0 or greater.`);
  return value;
}

/** Reads `start` and `limit`, clamping `limit` to `cap` as `page.max.*` does. */
export function pageRequest(query: URLSearchParams, cap: number): PageRequest {
  const start = nonNegativeInt(query, 'start') ?? 0;
  const asked = nonNegativeInt(query, 'limit') ?? DEFAULT_LIMIT;
  return { start, limit: Math.max(1, Math.min(asked === 0 ? DEFAULT_LIMIT : asked, cap)) };
}

/** A page over a list whose every item is visible: next page starts right after this one. */
export function pageOf<T, U>(items: readonly T[], request: PageRequest, map: (item: T) => U): RestPage<U> {
  const values = items.slice(request.start, request.start + request.limit).map(map);
  const isLastPage = request.start + values.length >= items.length;
  return envelope(values, request, isLastPage, isLastPage ? null : request.start + values.length);
}

/**
 * A page over rows some of which the caller cannot see (permission-filtered listings): rows are scanned from
 * `start`, invisible ones skipped, and `nextPageStart` is the row of the next visible item, so it can jump past
 * hidden rows (a real `projects?limit=1` answered `nextPageStart: 2`).
 */
export function scanPage<T, U>(rows: readonly T[], request: PageRequest, visible: (row: T) => boolean, map: (row: T) => U): RestPage<U> {
  const values: U[] = [];
  let i = request.start;
  for (; i < rows.length && values.length < request.limit; i++) {
    const row = rows[i] as T;
    if (visible(row)) values.push(map(row));
  }
  while (i < rows.length && !visible(rows[i] as T)) i++;
  const isLastPage = i >= rows.length;
  return envelope(values, request, isLastPage, isLastPage ? null : i);
}

function envelope<U>(values: U[], request: PageRequest, isLastPage: boolean, nextPageStart: number | null): RestPage<U> {
  return { size: values.length, limit: request.limit, isLastPage, values, start: request.start, nextPageStart };
}
