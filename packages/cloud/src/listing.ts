/**
 * How every Cloud listing is read: core's `cloudPages` (follows `next` verbatim), with two Cloud quirks
 * handled once here:
 * - rows repeated across page boundaries (BCLOUD-23644) are dropped by key;
 * - undocumented `pagelen` maxima (members, comments, commits): a 400 on the first page retries once with
 *   a smaller page size, which is remembered for the rest of the run (per client).
 */
import { cloudPages, isBbsyncError, type ApiClient, type CloudPageRequest, type Page } from '@bbsync/core';

/** Page size that Bitbucket Cloud accepts on every listing ("default 10 … 100 the maximum"; 50 for PRs). */
export const SAFE_PAGELEN = 50;

/** Learned page sizes per client and listing kind, so a rejected size costs one request per run, not per partition. */
const learned = new WeakMap<ApiClient, Map<string, number>>();

export interface ListOptions<T> {
  /** A name for the listing kind (`members`, `comments`, `commits`): where a learned page size is kept. */
  readonly kind: string;
  /** The key that identifies an item, to drop rows repeated across pages. */
  readonly key: (item: T) => string;
  /** Retry with {@link SAFE_PAGELEN} when the first page answers 400 (an undocumented maximum). @default true */
  readonly fallback?: boolean | undefined;
}

/**
 * The pages of a Cloud listing, items de-duplicated by key across pages. Lazy: breaking out of the loop
 * sends no further request.
 */
export async function* listPages<T>(client: ApiClient, request: CloudPageRequest, options: ListOptions<T>): AsyncGenerator<Page<T>, void, undefined> {
  const sizes = learnedSizes(client);
  const requested = Math.min(request.query.pagelen, sizes.get(options.kind) ?? Number.POSITIVE_INFINITY);
  const seen = new Set<string>();
  let pagelen = requested;
  for (;;) {
    let yielded = false;
    try {
      for await (const page of cloudPages<T>(client, { ...request, query: { ...request.query, pagelen } })) {
        yielded = true;
        const fresh = page.items.filter((item) => {
          const id = options.key(item);
          if (seen.has(id)) return false;
          seen.add(id);
          return true;
        });
        yield { ...page, items: fresh };
      }
      return;
    } catch (error) {
      const rejectedPagelen = !yielded && isBbsyncError(error) && error.status === 400 && pagelen > SAFE_PAGELEN && options.fallback !== false;
      if (!rejectedPagelen) throw error;
      pagelen = SAFE_PAGELEN;
      sizes.set(options.kind, pagelen);
    }
  }
}

function learnedSizes(client: ApiClient): Map<string, number> {
  let sizes = learned.get(client);
  if (sizes === undefined) {
    sizes = new Map();
    learned.set(client, sizes);
  }
  return sizes;
}
