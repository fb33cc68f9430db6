/**
 * Listings over core's Data Center paginator, with the one thing a stream needs beyond the items: whether the
 * listing was answered by an expected status instead of pages (a 404 for the commits of a pull request whose
 * branch is gone, a 404 for a `since` commit that no longer exists), which the paginator ends quietly on.
 */
import { dataCenterPages, type ApiClient, type ApiRequest, type ApiResponse, type Query, type RequestContext } from '@bbsync/core';

/** The items of a listing, lazily; `answeredWith` is set once the listing ended on an expected status. */
export interface Listing<T> extends AsyncIterable<T> {
  /** The expected status (`request.expect`) that answered instead of a page, or undefined. */
  readonly answeredWith: number | undefined;
}

export interface ListingRequest {
  readonly url: string;
  readonly query?: Query | undefined;
  /** Page size asked for (the server may clamp it). */
  readonly limit: number;
  readonly expect?: readonly number[] | undefined;
  readonly context?: RequestContext | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Reads a `start`/`limit` listing item by item; stopping early sends no further request. */
export function listing<T>(client: ApiClient, request: ListingRequest): Listing<T> {
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
    async *[Symbol.asyncIterator]() {
      const pages = dataCenterPages<T>(observing, {
        url: request.url,
        query: { ...request.query, limit: request.limit },
        expect: request.expect,
        context: request.context,
        signal: request.signal,
      });
      for await (const page of pages) yield* page.items;
    },
  };
}

/** Reads a whole listing into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}
