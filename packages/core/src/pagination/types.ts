import type { ApiRequest } from '../http/types.js';

/** One page of any API family, normalized at the paginator boundary: no stream parses pagination fields. */
export interface Page<T> {
  readonly items: readonly T[];
  /** 0-based number of this page in the listing. */
  readonly index: number;
  /** The token that leads to the next page (Cloud: the `next` URL; Data Center: `nextPageStart`), absent on the last page. */
  readonly next?: string | undefined;
  /** The page size the server actually used (`pagelen` / `limit`), when it says. */
  readonly pageSize?: number | undefined;
  /** Total item count when the server sends it (Cloud `size` on list-based pages). */
  readonly total?: number | undefined;
}

export interface PaginateOptions {
  /** Refuse to read more than this many pages of one listing (`pagination_error`). @default 2_000 */
  readonly maxPages?: number | undefined;
  /**
   * Give a listing up (`pagination_error`) after this many pages in a row without a new item: empty, or the
   * same items as the page before, each still with a link to another page. @default 10
   */
  readonly maxStalePages?: number | undefined;
}

/**
 * Bitbucket Cloud: `{values, next}` pages; `next` is an opaque absolute URL followed verbatim.
 * The first request must carry an explicit `pagelen` in its query (the default is 10).
 */
export interface CloudPageRequest extends ApiRequest {
  readonly query: NonNullable<ApiRequest['query']> & { readonly pagelen: number };
}

/**
 * Bitbucket Data Center: `start`/`limit` pages; continue at `nextPageStart`; stop on `isLastPage` or a missing
 * `nextPageStart`. The first request carries `limit` (the server may clamp it silently).
 */
export interface DataCenterPageRequest extends ApiRequest {
  readonly query: NonNullable<ApiRequest['query']> & { readonly limit: number };
}
