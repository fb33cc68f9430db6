/**
 * Checks shared by the paginators of both API families: the page cap, the page envelope, and which
 * answers end a listing without a page. Internal to core's pagination; not re-exported.
 */
import { BbsyncError } from '../errors.js';
import type { ApiResponse, QueryValue } from '../http/types.js';
import type { PaginateOptions } from './types.js';

/**
 * Pages one listing may read unless the caller says otherwise: 200,000 items at 100 a page, more than any
 * listing bbsync reads needs, and a small part of a day's request budget (Cloud allows about 1,000 requests an
 * hour per identity), so a server that never ends a listing cannot spend the rate limit on it.
 */
export const DEFAULT_MAX_PAGES = 2_000;

/**
 * Pages in a row that bring no new item (empty, or the same items as the page before) after which a listing is
 * given up. A real listing may have a few such pages (Data Center leaves out items the caller may not see, so
 * a page can be empty before the last); a server that keeps sending a fresh `next` with nothing behind it
 * would otherwise be followed to the page cap.
 */
export const DEFAULT_MAX_STALE_PAGES = 10;

/** A positive integer option of `options` (a `config_error` naming it otherwise). */
function positiveOption(name: 'maxPages' | 'maxStalePages', value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new BbsyncError('config_error', `${name}: must be a positive integer, got ${String(value)}`, {
      field: name,
      hint: `Set ${name} to a positive integer.`,
    });
  }
  return value;
}

/** The page cap of `options`, checked to be a positive integer (a `config_error` otherwise). */
export function resolveMaxPages(options: PaginateOptions | undefined): number {
  return positiveOption('maxPages', options?.maxPages ?? DEFAULT_MAX_PAGES);
}

/**
 * A runaway is a listing that does not end: it fails its partition with `pagination_error` (disposition
 * `skippable`: the rest of the run goes on, the partition is retried first next run), not the whole run.
 */
function runaway(message: string, path: string): BbsyncError {
  return new BbsyncError('pagination_error', message, {
    path,
    disposition: 'skippable',
    hint: 'The server kept sending pages past any plausible end of this listing; bbsync stopped reading it so it does not spend the rate limit. The next run retries it.',
  });
}

/**
 * Guards one listing against runaways, by what its data can plausibly need:
 * - at most `maxPages` pages;
 * - at most `maxStalePages` pages in a row without a new item (an empty page, or one repeating the page
 *   before it, each still with a continuation);
 * - when the server states the listing's total (Cloud `size`) and its page size, at most twice the pages
 *   that total fills, plus two (room for rows repeated across pages and for items added while reading).
 */
export class RunawayGuard {
  readonly #maxPages: number;
  readonly #maxStalePages: number;
  readonly #family: string;
  #stale = 0;
  #previous: readonly unknown[] | undefined;
  #previousFirst: string | undefined;
  #plausiblePages = Number.POSITIVE_INFINITY;
  #largestTotal = -1;

  constructor(options: PaginateOptions | undefined, family: string) {
    this.#maxPages = resolveMaxPages(options);
    this.#maxStalePages = positiveOption('maxStalePages', options?.maxStalePages ?? DEFAULT_MAX_STALE_PAGES);
    this.#family = family;
  }

  /** Throws `pagination_error` before page `index` (0-based) is requested when the listing should have ended. */
  beforePage(index: number, path: string): void {
    if (index >= this.#maxPages) {
      throw runaway(`${this.#family} listing did not end after ${this.#maxPages} pages; stopped reading it (page cap, see maxPages)`, path);
    }
    if (index >= this.#plausiblePages) {
      throw runaway(
        `${this.#family} listing said it holds ${this.#largestTotal} items but did not end after ${index} pages; stopped reading it`,
        path,
      );
    }
  }

  /**
   * Accounts a page that has a continuation (before it is handed out); throws `pagination_error` when it is
   * the `maxStalePages`-th page in a row without a new item.
   */
  afterPage(items: readonly unknown[], total: number | undefined, pageSize: number | undefined, path: string): void {
    if (total !== undefined && pageSize !== undefined && pageSize > 0 && total > this.#largestTotal) {
      this.#largestTotal = total;
      this.#plausiblePages = 2 * Math.ceil(total / pageSize) + 2;
    }
    const stale = items.length === 0 || this.#repeatsPrevious(items);
    this.#stale = stale ? this.#stale + 1 : 0;
    if (this.#stale >= this.#maxStalePages) {
      throw runaway(
        `${this.#family} listing sent ${this.#stale} pages in a row without a new item, each with a link to another page; stopped reading it (see maxStalePages)`,
        path,
      );
    }
  }

  /**
   * True when `items` are the previous page's items again. The first items are compared first (one small
   * `JSON.stringify` each), so the full comparison runs only for a page that starts like the one before.
   */
  #repeatsPrevious(items: readonly unknown[]): boolean {
    const previous = this.#previous;
    const previousFirst = this.#previousFirst;
    const first = JSON.stringify(items[0]);
    this.#previous = items;
    this.#previousFirst = first;
    if (previous === undefined || previous.length !== items.length || previousFirst !== first) return false;
    return items.every((item, position) => position === 0 || JSON.stringify(item) === JSON.stringify(previous[position]));
  }
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
