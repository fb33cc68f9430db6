/**
 * An in-memory Bitbucket Cloud listing with the real pagination semantics: `pagelen` clamped by the server,
 * `next` links that are opaque absolute URLs on the API origin (list-based `?page=N` with `page`/`size`/
 * `previous`, or iterator-based cursor tokens), and 400 "Invalid page" for any URL it did not issue, so a
 * client that builds or edits a `next` link fails.
 */
import type { TransportRequest } from '../../http/types.js';
import type { FakeServer, ServerAnswer } from './fake-transport.js';

export const CLOUD_ORIGIN = 'https://api.bitbucket.org';
export const CLOUD_BASE = `${CLOUD_ORIGIN}/2.0`;
export const CLOUD_PATH = '/repositories/acme/widgets/commits';

export interface FakeCloudOptions<T> {
  readonly items: readonly T[];
  /** `list`: `?page=N` links with `page`, `size`, `previous`; `cursor`: opaque tokens, only `pagelen` and `next`. */
  readonly style: 'list' | 'cursor';
  /** The endpoint's maximum `pagelen`; larger requests are silently clamped. */
  readonly maxPagelen: number;
  /** Page boundaries (index of the later page) where the last row of the earlier page is served again (BCLOUD-23644). */
  readonly repeatsAt?: ReadonlySet<number> | undefined;
  /**
   * Replaces the `next` link the server sends on a page (loops, foreign links): given the regular `next`
   * (undefined on the last page) and the `link` a page after it would have, and the links issued so far.
   */
  readonly nextOverride?:
    | ((page: number, regular: { next: string | undefined; link: string }, issued: ReadonlyMap<number, string>) => string | undefined)
    | undefined;
  /** Salt for the cursor tokens. */
  readonly salt?: number | undefined;
}

export class FakeCloudServer<T> implements FakeServer {
  /** The `next` link issued on each page index (the URL of page index + 1). */
  readonly issued = new Map<number, string>();
  readonly #byUrl = new Map<string, number>();
  #pagelen: number | undefined;
  #firstQuery: URLSearchParams | undefined;

  constructor(readonly options: FakeCloudOptions<T>) {}

  /** The page size the server applies to a requested `pagelen`. */
  effectivePagelen(requested: number): number {
    return Math.min(requested, this.options.maxPagelen);
  }

  answer(url: URL, _request: TransportRequest): ServerAnswer {
    if (url.pathname !== `/2.0${CLOUD_PATH}`) return { status: 404, json: error('Resource not found') };
    let page: number;
    if (!url.searchParams.has('page') && this.#firstQuery === undefined) {
      const pagelen = Number(url.searchParams.get('pagelen') ?? '10');
      this.#pagelen = this.effectivePagelen(pagelen);
      this.#firstQuery = new URLSearchParams(url.search);
      page = 0;
    } else if (url.searchParams.has('page') || this.#byUrl.has(url.href)) {
      const known = this.#byUrl.get(url.href);
      // Only links this server issued are valid: a constructed `?page=1` gets "Invalid page" (BCLOUD-19593).
      if (known === undefined) return { status: 400, json: error('Invalid page') };
      page = known;
    } else {
      page = 0; // the first request again (a retry after a failure)
    }
    return { status: 200, json: this.#envelope(page), page };
  }

  #envelope(page: number): Record<string, unknown> {
    const pagelen = this.#pagelen ?? 10;
    const offset = this.#offset(page, pagelen);
    const values = this.options.items.slice(offset, offset + pagelen);
    const last = offset + pagelen >= this.options.items.length;
    let next = last ? undefined : this.#link(page + 1);
    if (this.options.nextOverride !== undefined) {
      next = this.options.nextOverride(page, { next, link: this.#link(page + 1) }, this.issued);
    }
    if (next !== undefined && !this.issued.has(page)) {
      this.issued.set(page, next);
      if (!this.#byUrl.has(next)) this.#byUrl.set(next, page + 1);
    }
    if (this.options.style === 'cursor') return { pagelen, values, ...(next === undefined ? {} : { next }) };
    return {
      pagelen,
      size: this.options.items.length,
      page: page + 1,
      values,
      ...(next === undefined ? {} : { next }),
      ...(page === 0 ? {} : { previous: this.#link(page - 1) }),
    };
  }

  /** Offset of a page's first row: pages overlap by one row at each repeating boundary. */
  #offset(page: number, pagelen: number): number {
    let offset = 0;
    for (let k = 1; k <= page; k++) offset += pagelen - (this.options.repeatsAt?.has(k) ? 1 : 0);
    return offset;
  }

  /** The absolute link to a page: the first request's query (so `q`, `fields`, `state` survive) plus `page`. */
  #link(page: number): string {
    const query = new URLSearchParams(this.#firstQuery);
    query.delete('page');
    query.set('page', this.options.style === 'list' ? String(page + 1) : this.#token(page));
    return `${CLOUD_BASE}${CLOUD_PATH}?${query.toString()}`;
  }

  /** An opaque, unpredictable-looking cursor such as `dbtR` or `8xhd`, some with characters that must stay encoded. */
  #token(page: number): string {
    let h = Math.imul((this.options.salt ?? 0) ^ 0x9e3779b9, 0x01000193) ^ page;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    const token = h.toString(36);
    return page % 3 === 0 ? `${token}+x/${page}` : token;
  }
}

function error(message: string): unknown {
  return { type: 'error', error: { message } };
}
