import { describe, expect, it } from 'vitest';
import { dedupeBy, items, takeWhileNewer } from './collect.js';
import type { Page } from './types.js';

/** A page source that records how many pages were pulled and whether it was closed. */
function source<T>(pagesOfItems: readonly (readonly T[])[]) {
  const state = { pulled: 0, closed: false };
  async function* pages(): AsyncGenerator<Page<T>> {
    try {
      for (const [index, pageItems] of pagesOfItems.entries()) {
        state.pulled++;
        yield { items: pageItems, index };
      }
    } finally {
      state.closed = true;
    }
  }
  return { pages: pages(), state };
}

async function toArray<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('items', () => {
  it('flattens pages in order, skipping empty ones', async () => {
    const { pages } = source([[1, 2], [], [3]]);
    expect(await toArray(items(pages))).toEqual([1, 2, 3]);
  });
});

describe('takeWhileNewer', () => {
  it('stops at the first item at or past the cursor and closes the page source', async () => {
    const { pages, state } = source([[9, 8], [7, 5], [4, 3], [2, 1]]);
    expect(await toArray(takeWhileNewer(items(pages), (n) => n > 5))).toEqual([9, 8, 7]);
    expect(state).toEqual({ pulled: 2, closed: true });
  });

  it('reads everything when every item is newer', async () => {
    const { pages, state } = source([[3], [2], [1]]);
    expect(await toArray(takeWhileNewer(items(pages), () => true))).toEqual([3, 2, 1]);
    expect(state).toEqual({ pulled: 3, closed: true });
  });

  it('pulls only the first page when its first item is old', async () => {
    const { pages, state } = source([[1], [0]]);
    expect(await toArray(takeWhileNewer(items(pages), (n) => n > 5))).toEqual([]);
    expect(state.pulled).toBe(1);
  });
});

describe('dedupeBy', () => {
  const rows = [
    { id: 1, v: 'first' },
    { id: 2, v: 'first' },
    { id: 2, v: 'again' },
    { id: 3, v: 'first' },
    { id: 1, v: 'again' },
  ];

  it('keeps the first occurrence of each key, in order', async () => {
    const { pages } = source([rows.slice(0, 2), rows.slice(2)]);
    expect(await toArray(dedupeBy(items(pages), (row) => row.id))).toEqual([rows[0], rows[1], rows[3]]);
  });

  it('can be curried', async () => {
    const { pages } = source([rows]);
    const unique = dedupeBy((row: { id: number }) => row.id);
    expect((await toArray(unique(items(pages)))).map((row) => row.id)).toEqual([1, 2, 3]);
  });

  it('tells string and number keys apart', async () => {
    const { pages } = source([[{ k: 1 }, { k: '1' }]]);
    expect(await toArray(dedupeBy(items(pages), (row) => row.k))).toHaveLength(2);
  });
});
