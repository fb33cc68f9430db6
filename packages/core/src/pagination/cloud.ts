/**
 * The Bitbucket Cloud paginator: `{values, next}` pages, following `next` verbatim.
 *
 * Wire format (Cloud REST narrative, "Pagination"): `{size?, page?, pagelen?, next?, previous?, values}`;
 * only `values` and `next` are guaranteed and "Lack of a next link … indicates the end of the collection".
 * `next` "should be treated as an opaque location that is not to be constructed by clients or even assumed
 * to be predictable": iterator-based endpoints (commits, pull request commits) answer `?page=8xhd`-style
 * cursors and reject a made-up `?page=1` with "Invalid page" (BCLOUD-19593). So page 2 onwards is the
 * `next` URL exactly as the server sent it, with no parameter added.
 */
import { BbsyncError } from '../errors.js';
import { safePath } from '../http/redact.js';
import { resolveRequestUrl } from '../http/url.js';
import type { ApiClient, ApiResponse } from '../http/types.js';
import { refuseFieldsWithoutNext } from './cloud-fields.js';
import {
  badPaginationField,
  count,
  isAnswerWithoutPage,
  pageEnvelope,
  positiveInteger,
  RunawayGuard,
} from './guards.js';
import type { CloudPageRequest, Page, PaginateOptions } from './types.js';

const FAMILY = 'Bitbucket Cloud';

/**
 * Reads a Bitbucket Cloud listing page by page, lazily: page k+1 is requested only when the consumer asks
 * for it after page k, so breaking out of the loop (or `takeWhileNewer`) sends no further request.
 *
 * The first request is `request` as given; it must carry an explicit `pagelen` (Cloud's default is 10, the
 * maximum varies per endpoint: 50 for pull requests). Later requests repeat its method, headers, body,
 * context, `expect` and signal on the `next` URL, with no query of their own.
 *
 * Ends after a page without `next`, or on a status the request `expect`s (a 204, an expected 404), which
 * yields no page. Throws, besides the client's own errors:
 * - `config_error` before sending when `pagelen` is not a positive integer or `fields` drops `next`;
 * - `bad_response` when a page has no `values` array or a malformed `next`;
 * - `pagination_error` when `next` repeats an earlier link (a loop), points to another origin (scheme, host
 *   or port: it would carry the credentials elsewhere) or carries user info (disposition `fatal`);
 * - `pagination_error` (disposition `skippable`: the partition fails, the run goes on) when the listing runs
 *   away: past `maxPages`, `maxStalePages` pages in a row without a new item, or far past the pages its
 *   stated `size` fills (see {@link RunawayGuard}).
 *
 * A page whose `next` is refused is not yielded: a page is handed out only with a usable continuation.
 */
export async function* cloudPages<T>(
  client: ApiClient,
  request: CloudPageRequest,
  options?: PaginateOptions,
): AsyncGenerator<Page<T>, void, undefined> {
  const guard = new RunawayGuard(options, FAMILY);
  positiveInteger(request.query.pagelen, 'query.pagelen');
  refuseFieldsWithoutNext(request.query.fields);
  const method = request.method ?? 'GET';
  const followed = firstUrl(client.baseUrl, request);
  let url: string | undefined;
  for (let index = 0; ; index++) {
    guard.beforePage(index, safePath(url ?? request.url));
    const response = await client.request<unknown>(url === undefined ? request : { ...request, url, query: undefined });
    if (isAnswerWithoutPage(response)) return;
    const body = pageEnvelope(response, FAMILY, method);
    const next = nextLink(response, body.next, method);
    const page: Page<T> = {
      items: body.values as readonly T[],
      index,
      next,
      pageSize: count(body.pagelen),
      total: count(body.size),
    };
    if (next === undefined) {
      yield page;
      return;
    }
    url = followableNext(client.baseUrl, next, followed, response, method);
    guard.afterPage(page.items, page.total, page.pageSize, response.path);
    yield page;
  }
}

/**
 * The links already "followed" before page 2: the first request's own URL (as the client will send it),
 * so a `next` that leads back to page 1 is a loop at once. Empty when it cannot be resolved here (the
 * client then refuses the request with its own error).
 */
function firstUrl(base: URL, request: CloudPageRequest): Set<string> {
  try {
    return new Set([resolveRequestUrl(base, request.url, request.query).href]);
  } catch {
    return new Set();
  }
}

/** `next` as sent: a non-empty string, or undefined on the last page (a `null` is tolerated as absent). */
function nextLink(response: ApiResponse<unknown>, next: unknown, method: string): string | undefined {
  if (next === undefined || next === null) return undefined;
  if (typeof next !== 'string' || next.trim() === '') {
    throw badPaginationField(response, method, FAMILY, 'next', next, 'an absolute URL');
  }
  return next;
}

/**
 * The URL to request for `next`: the link verbatim when absolute (a relative link, never seen from Cloud,
 * is resolved against the API base). Refuses a link to another origin (scheme, host or port) and a link
 * already followed in this listing. `followed` is updated.
 */
function followableNext(
  base: URL,
  next: string,
  followed: Set<string>,
  response: ApiResponse<unknown>,
  method: string,
): string {
  let resolved: URL;
  try {
    resolved = new URL(next, base);
  } catch {
    throw badPaginationField(response, method, FAMILY, 'next', next, 'an absolute URL');
  }
  if (resolved.origin !== base.origin || resolved.username !== '' || resolved.password !== '') {
    // Names the origin only: never the link's path or query, nor the user info it may carry.
    const where = resolved.origin === base.origin ? 'carries user info' : `points to another origin (${resolved.origin})`;
    throw new BbsyncError(
      'pagination_error',
      `${FAMILY} next link ${where}; not followed: only ${base.origin} receives the credentials`,
      { status: response.status, method, path: response.path },
    );
  }
  if (followed.has(resolved.href)) {
    throw new BbsyncError(
      'pagination_error',
      // The page's own path, redacted by the client: the link is the server's text and may carry a secret.
      `${FAMILY} next link repeats one already followed in this listing (after ${response.path}): a pagination loop`,
      { status: response.status, method, path: response.path },
    );
  }
  followed.add(resolved.href);
  return URL.canParse(next) ? next : resolved.href;
}
