/**
 * The Bitbucket Data Center paginator: `start`/`limit` pages continued at `nextPageStart`.
 *
 * Wire format (Data Center REST narrative, "Paging params"): `{size, limit, isLastPage, start, values,
 * nextPageStart?}`. `nextPageStart` "must be used by the client as the start parameter … the start of the
 * next page is not necessarily the start of the last page plus the last page's size": `projects?limit=1`
 * has been seen answering `start: 0, nextPageStart: 2` when an item in between is not visible. The server
 * also applies a hard limit silently (`activities?limit=1000` answered `"limit": 500`), so a short page
 * says nothing about being the last one.
 */
import { BbsyncError } from '../errors.js';
import type { ApiResponse, QueryValue } from '../http/types.js';
import type { ApiClient } from '../http/types.js';
import {
  badPaginationField,
  count,
  isAnswerWithoutPage,
  pageEnvelope,
  positiveInteger,
  RunawayGuard,
} from './guards.js';
import type { DataCenterPageRequest, Page, PaginateOptions } from './types.js';

const FAMILY = 'Bitbucket Data Center';

/**
 * Reads a Bitbucket Data Center listing page by page, lazily: page k+1 is requested only when the consumer
 * asks for it after page k, so breaking out of the loop sends no further request.
 *
 * The first request is `request` as given (with its own `start`, 0 when absent); each next one is the same
 * request with `start` set to the previous page's `nextPageStart` and every other query parameter kept,
 * including the requested `limit`. `Page.pageSize` is the `limit` the server says it applied.
 *
 * Ends after a page with `isLastPage: true` or without a `nextPageStart` (servers have been seen answering
 * `isLastPage: false` with `nextPageStart: null` on the last page), or on a status the request `expect`s
 * (a 204, an expected 404), which yields no page. Throws, besides the client's own errors:
 * - `config_error` before sending when `limit` is not a positive integer or `start` not a non-negative one;
 * - `bad_response` when a page has no `values` array or a `nextPageStart` that is not an integer;
 * - `pagination_error` when `nextPageStart` does not move past the current `start` (a loop: it would repeat
 *   a page; disposition `fatal`);
 * - `pagination_error` (disposition `skippable`: the partition fails, the run goes on) when the listing runs
 *   away: past `maxPages`, or `maxStalePages` pages in a row without a new item (see {@link RunawayGuard}).
 *
 * A page whose continuation is refused is not yielded: a page is handed out only with a usable continuation.
 */
export async function* dataCenterPages<T>(
  client: ApiClient,
  request: DataCenterPageRequest,
  options?: PaginateOptions,
): AsyncGenerator<Page<T>, void, undefined> {
  const guard = new RunawayGuard(options, FAMILY);
  positiveInteger(request.query.limit, 'query.limit');
  const method = request.method ?? 'GET';
  let start = firstStart(request.query.start);
  for (let index = 0; ; index++) {
    guard.beforePage(index, `${request.url}?start=${start}`);
    const response = await client.request<unknown>(
      index === 0 ? request : { ...request, query: { ...request.query, start } },
    );
    if (isAnswerWithoutPage(response)) return;
    const body = pageEnvelope(response, FAMILY, method);
    const nextPageStart = nextStart(response, body.nextPageStart, method);
    const last = body.isLastPage === true || nextPageStart === undefined;
    const page: Page<T> = {
      items: body.values as readonly T[],
      index,
      next: last ? undefined : String(nextPageStart),
      pageSize: count(body.limit),
    };
    if (last) {
      yield page;
      return;
    }
    // Strictly increasing starts also mean no start is ever requested twice.
    if (nextPageStart <= start) {
      throw new BbsyncError(
        'pagination_error',
        `${FAMILY} nextPageStart ${nextPageStart} does not move past start ${start}: a pagination loop`,
        { status: response.status, method, path: response.path },
      );
    }
    // Data Center's `size` counts this page's items, not the listing's: no total to bound the pages by.
    guard.afterPage(page.items, undefined, page.pageSize, response.path);
    start = nextPageStart;
    yield page;
  }
}

/** The `start` of the first request: 0 (the server's default) when absent. */
function firstStart(value: QueryValue): number {
  if (value === undefined) return 0;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
    throw new BbsyncError('config_error', `query.start: must be a non-negative integer, got ${JSON.stringify(value)}`, {
      field: 'query.start',
      hint: 'Leave query.start out, or set it to a non-negative integer.',
    });
  }
  return number;
}

/** `nextPageStart` as a non-negative integer, or undefined when absent or `null` (the last page). */
function nextStart(response: ApiResponse<unknown>, value: unknown, method: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw badPaginationField(response, method, FAMILY, 'nextPageStart', value, 'a non-negative integer or null');
  }
  return value;
}
