/**
 * Checks shared by the paginators of both API families: the page cap, the page envelope, and which
 * answers end a listing without a page. Internal to core's pagination; not re-exported.
 */
import { BbsyncError } from '../errors.js';
import type { ApiResponse, QueryValue } from '../http/types.js';
import type { PaginateOptions } from './types.js';

/** Pages one listing may read unless the caller says otherwise; about a million items at 100 a page. */
export const DEFAULT_MAX_PAGES = 10_000;

/** The page cap of `options`, checked to be a positive integer (a `config_error` otherwise). */
export function resolveMaxPages(options: PaginateOptions | undefined): number {
  const maxPages = options?.maxPages ?? DEFAULT_MAX_PAGES;
  if (!Number.isSafeInteger(maxPages) || maxPages < 1) {
    throw new BbsyncError('config_error', `maxPages: must be a positive integer, got ${String(maxPages)}`, {
      field: 'maxPages',
      hint: 'Set maxPages to a positive integer.',
    });
  }
  return maxPages;
}

/**
 * Throws `pagination_error` before page `index` (0-based) is requested when the listing already read
 * `maxPages` pages: a runaway (a server that never ends a listing) must not spend the whole rate limit.
 */
export function refuseRunaway(index: number, maxPages: number, family: string, path: string): void {
  if (index < maxPages) return;
  throw new BbsyncError(
    'pagination_error',
    `${family} listing did not end after ${maxPages} pages; stopped reading it (page cap, see maxPages)`,
    { path },
  );
}

/** Reads a query value that must be a positive integer (`pagelen`, `limit`); a `config_error` otherwise. */
export function positiveInteger(value: QueryValue, field: string): number {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) {
    throw new BbsyncError('config_error', `${field}: must be a positive integer, got ${JSON.stringify(value)}`, {
      field,
      hint: `Set ${field} to a positive integer.`,
    });
  }
  return number;
}

/**
 * True when a response is an answer the caller listed in `expect` rather than a page: a 204 (an empty
 * repository) or an expected non-2xx status such as a 404 for the commits of a pull request whose source
 * branch is gone. Such an answer ends the listing without yielding a page.
 */
export function isAnswerWithoutPage(response: ApiResponse<unknown>): boolean {
  return response.status === 204 || response.status < 200 || response.status > 299;
}

/** A page envelope: a JSON object whose `values` is an array. */
export type Envelope = Readonly<Record<string, unknown>> & { readonly values: readonly unknown[] };

/**
 * The body of a page response, checked to be a JSON object with a `values` array. Anything else (an HTML
 * maintenance page a proxy answered 200 with, an error object, a bare array) is a `bad_response`.
 */
export function pageEnvelope(response: ApiResponse<unknown>, family: string, method: string): Envelope {
  const body = response.body;
  const problem =
    typeof body !== 'object' || body === null || Array.isArray(body)
      ? `is ${describe(body)}, not a JSON object`
      : Array.isArray((body as { values?: unknown }).values)
        ? undefined
        : `has no "values" array (values is ${describe((body as { values?: unknown }).values)})`;
  if (problem !== undefined) {
    throw new BbsyncError('bad_response', `${family} page response ${problem}`, {
      status: response.status,
      method,
      path: response.path,
    });
  }
  return body as Envelope;
}

/** A `bad_response` for a malformed pagination field of an otherwise valid page. */
export function badPaginationField(
  response: ApiResponse<unknown>,
  method: string,
  family: string,
  field: string,
  value: unknown,
  expected: string,
): BbsyncError {
  return new BbsyncError('bad_response', `${family} page has a malformed "${field}": ${describe(value)}, expected ${expected}`, {
    status: response.status,
    method,
    path: response.path,
  });
}

/** A non-negative integer count from an optional envelope field (`pagelen`, `size`, `limit`), else undefined. */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return typeof value === 'undefined' ? 'missing' : `a ${typeof value}`;
}
