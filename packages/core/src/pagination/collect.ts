/**
 * Small collectors over page iterators, in the spirit of octokit's `paginate()` being a thin layer over
 * its iterator. Each one is lazy and, when it stops early, returns its source iterator, so a paginator
 * upstream sends no further request.
 */
import type { Page } from './types.js';

/** The items of every page, in page order then item order. */
export async function* items<T>(pages: AsyncIterable<Page<T>>): AsyncGenerator<T, void, undefined> {
  for await (const page of pages) yield* page.items;
}

/**
 * For newest-first listings (commits, `sort=-created_on` pipelines, `sort=-updated_on` pull requests):
 * yields items while `isNewerThanCursor(item)` holds and stops at the first item at or past the cursor,
 * leaving the rest of the source unread. The source iterator is returned (`for await … break`), which ends
 * a paginator before it requests another page: an incremental run reads only the pages holding new items
 * plus the one holding the first old item.
 */
export async function* takeWhileNewer<T>(
  source: AsyncIterable<T>,
  isNewerThanCursor: (item: T) => boolean,
): AsyncGenerator<T, void, undefined> {
  for await (const item of source) {
    if (!isNewerThanCursor(item)) return;
    yield item;
  }
}

/** The key that identifies a record for {@link dedupeBy}. */
export type DedupeKey<T> = (item: T) => string | number;

/**
 * Drops items whose key was already seen, keeping the first occurrence. Bitbucket Cloud has been seen
 * repeating rows across page boundaries (BCLOUD-23644: the last row of one page again at the top of the
 * next), which would otherwise write a record twice.
 *
 * Memory: it keeps every key of the listing it reads (one string or number per item), so use it on one
 * listing (one partition's pages), not across a whole run.
 *
 * Call it as `dedupeBy(items, key)` or curried as `dedupeBy(key)(items)`.
 */
export function dedupeBy<T>(source: AsyncIterable<T>, key: DedupeKey<T>): AsyncGenerator<T, void, undefined>;
export function dedupeBy<T>(key: DedupeKey<T>): (source: AsyncIterable<T>) => AsyncGenerator<T, void, undefined>;
export function dedupeBy<T>(
  sourceOrKey: AsyncIterable<T> | DedupeKey<T>,
  key?: DedupeKey<T>,
): AsyncGenerator<T, void, undefined> | ((source: AsyncIterable<T>) => AsyncGenerator<T, void, undefined>) {
  if (typeof sourceOrKey === 'function') {
    const keyOf = sourceOrKey;
    return (source) => firstOfEachKey(source, keyOf);
  }
  if (key === undefined) throw new TypeError('dedupeBy(items, key): key is required');
  return firstOfEachKey(sourceOrKey, key);
}

async function* firstOfEachKey<T>(source: AsyncIterable<T>, key: DedupeKey<T>): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string | number>();
  for await (const item of source) {
    const id = key(item);
    if (seen.has(id)) continue;
    seen.add(id);
    yield item;
  }
}
