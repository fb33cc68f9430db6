/**
 * Listings over core's Data Center paginator, with the one thing a stream needs beyond the items: whether the
 * listing was answered by an expected status instead of pages (a 404 for the commits of a pull request whose
 * branch is gone, a 404 for a `since` commit that no longer exists), which the paginator ends quietly on.
 */
import {
  dataCenterPages,
  type ApiClient,
  type ApiRequest,
  type ApiResponse,
  type Page,
  type Query,
  type RequestContext,
} from '@bbsync/core';

export interface ListingRequest {
  readonly url: string;
  readonly query?: Query | undefined;
  /** Page size asked for (the server may clamp it). */
  readonly limit: number;
  /** Where to start (a `nextPageStart` kept from an earlier run). @default 0 */
  readonly start?: number | undefined;
  readonly expect?: readonly number[] | undefined;
  readonly context?: RequestContext | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** What every listing reports besides its contents. */
export interface Answered {
  /** The expected status (`request.expect`) that answered instead of a page, or undefined. */
  readonly answeredWith: number | undefined;
}

/** The pages of a listing, lazily; stopping early sends no further request. */
export interface PageListing<T> extends AsyncIterable<Page<T>>, Answered {}

/** The items of a listing, lazily; stopping early sends no further request. */
export interface Listing<T> extends AsyncIterable<T>, Answered {}

/** Reads a `start`/`limit` listing page by page. */
export function pageListing<T>(client: ApiClient, request: ListingRequest): PageListing<T> {
  let answeredWith: number | undefined;
  const expected = new Set(request.expect ?? []);
  const observing: ApiClient = {
    baseUrl: client.baseUrl,
    stats: () => client.stats(),
    async request<R>(apiRequest: ApiRequest): Promise<ApiResponse<R>> {
      const response = await client.request<R>(apiRequest);
      if (expected.has(response.status)) answeredWith = response.status;
      return response;
    },
  };
  return {
    get answeredWith() {
      return answeredWith;
    },
    [Symbol.asyncIterator]() {
      return dataCenterPages<T>(observing, {
        url: request.url,
        query: { ...request.query, ...(request.start ? { start: request.start } : {}), limit: request.limit },
        expect: request.expect,
        context: request.context,
        signal: request.signal,
      });
    },
  };
}

/** Reads a `start`/`limit` listing item by item. */
export function listing<T>(client: ApiClient, request: ListingRequest): Listing<T> {
  const pages = pageListing<T>(client, request);
  return {
    get answeredWith() {
      return pages.answeredWith;
    },
    async *[Symbol.asyncIterator]() {
      for await (const page of pages) yield* page.items;
    },
  };
}
