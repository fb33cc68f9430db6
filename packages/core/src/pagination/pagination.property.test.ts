/**
 * Pagination invariants, property-tested against in-memory servers with each family's real semantics,
 * through the API client and a fake transport (failures injected at random pages, a manual clock so
 * retries cost no real time). `FC_NUM_RUNS` raises or lowers the runs; fast-check prints the seed on failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBbsyncError } from '../errors.js';
import { cloudPages } from './cloud.js';
import { dedupeBy, items, takeWhileNewer } from './collect.js';
import { dataCenterPages } from './datacenter.js';
import { CLOUD_BASE, CLOUD_ORIGIN, CLOUD_PATH, FakeCloudServer } from './__tests__/fake-cloud.js';
import { DC_BASE, DC_ORIGIN, DC_PATH, FakeDataCenterServer } from './__tests__/fake-datacenter.js';
import { FAILURE_KINDS, FakeTransport, type FailureKind } from './__tests__/fake-transport.js';
import { testClient } from './__tests__/test-client.js';
import type { Page } from './types.js';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);

interface Row {
  readonly id: number;
}

/** Transient failures to inject: (page selector, failures on that page's first attempts). */
const failurePlan = fc.array(
  fc.tuple(fc.nat(), fc.array(fc.constantFrom(...FAILURE_KINDS), { minLength: 1, maxLength: 2 })),
  { maxLength: 4 },
);

function failuresAt(plan: readonly (readonly [number, readonly FailureKind[]])[], pageCount: number): Map<number, FailureKind[]> {
  return new Map(plan.map(([selector, kinds]) => [selector % pageCount, [...kinds]]));
}

function rows(count: number): Row[] {
  return Array.from({ length: count }, (_, id) => ({ id }));
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

/** Sparse raw positions from gaps: gap g puts g hidden items before a visible one. */
function positionsFrom(gaps: readonly number[]): number[] {
  let position = -1;
  return gaps.map((gap) => (position += gap + 1));
}

async function drain<T>(pages: AsyncIterable<Page<T>>): Promise<Page<T>[]> {
  const out: Page<T>[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

async function codeOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
    return 'none';
  } catch (error) {
    return isBbsyncError(error) ? error.code : `non-bbsync: ${String(error)}`;
  }
}

const cloudStyle = fc.constantFrom('list' as const, 'cursor' as const);
const dcLastPage = fc.constantFrom('null' as const, 'absent' as const, 'stuck' as const);

describe('cloudPages (property)', () => {
  it('yields every item once, in order, in max(1, ceil(n / effective pagelen)) successful requests', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        cloudStyle,
        fc.integer(),
        failurePlan,
        async (count, pagelen, maxPagelen, style, salt, plan) => {
          const server = new FakeCloudServer({ items: rows(count), style, maxPagelen, salt });
          const effective = server.effectivePagelen(pagelen);
          const pageCount = Math.max(1, Math.ceil(count / effective));
          const transport = new FakeTransport(CLOUD_ORIGIN, server, failuresAt(plan, pageCount));
          const { client } = testClient(CLOUD_BASE, transport);
          const pages = await drain(
            cloudPages<Row>(client, {
              url: CLOUD_PATH,
              query: { pagelen, state: ['OPEN', 'MERGED'], q: 'updated_on > 2026-01-01T00:00:00Z', fields: '+values.reviewers' },
            }),
          );
          expect(pages.flatMap((page) => page.items.map((row) => row.id))).toEqual(range(count));
          expect(transport.successfulPages).toBe(pageCount);
          expect(pages.map((page) => page.index)).toEqual(range(pageCount));
          expect(pages.every((page) => page.pageSize === effective)).toBe(true);
          expect(pages.at(-1)?.next).toBeUndefined();
          expect(transport.foreign).toBe(0);
          // Each injected failure cost exactly one retry, and nothing else was sent.
          expect(transport.received.length).toBe(transport.successfulPages + transport.injected);
        },
      ),
      { numRuns },
    );
  });

  it('with dedupeBy, a listing that repeats rows across pages yields each item once and misses none', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 2, max: 60 }),
        fc.integer({ min: 2, max: 60 }),
        fc.array(fc.integer({ min: 1, max: 200 })),
        cloudStyle,
        failurePlan,
        async (count, pagelen, maxPagelen, repeats, style, plan) => {
          const server = new FakeCloudServer({ items: rows(count), style, maxPagelen, repeatsAt: new Set(repeats) });
          const transport = new FakeTransport(CLOUD_ORIGIN, server, failuresAt(plan, 8));
          const { client } = testClient(CLOUD_BASE, transport);
          const seen: number[] = [];
          for await (const row of dedupeBy(items(cloudPages<Row>(client, { url: CLOUD_PATH, query: { pagelen } })), (r) => r.id)) {
            seen.push(row.id);
          }
          expect(seen).toEqual(range(count));
        },
      ),
      { numRuns },
    );
  });

  it('throws pagination_error on a next link that repeats an earlier one, without requesting it again', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.nat(),
        fc.integer({ min: 1, max: 10 }),
        cloudStyle,
        failurePlan,
        async (loopPage, target, pagelen, style, plan) => {
          const server = new FakeCloudServer({
            items: rows(pagelen * (loopPage + 5)),
            style,
            maxPagelen: 100,
            // Page `loopPage` links back to the page after `target` (itself when target = loopPage - 1).
            nextOverride: (page, regular, issued) => (page === loopPage ? issued.get(target % loopPage) : regular.next),
          });
          const transport = new FakeTransport(CLOUD_ORIGIN, server, failuresAt(plan, loopPage + 1));
          const { client } = testClient(CLOUD_BASE, transport);
          expect(await codeOf(drain(cloudPages<Row>(client, { url: CLOUD_PATH, query: { pagelen } })))).toBe('pagination_error');
          expect(transport.successfulPages).toBe(loopPage + 1);
          expect(new Set(transport.urls()).size).toBe(loopPage + 1);
        },
      ),
      { numRuns },
    );
  });

  it('throws pagination_error on a next link to another origin, which receives no request', async () => {
    const foreignOrigins = [
      'https://api.bitbucket.org.evil.example', // another host that starts like the API's
      'https://bitbucket.org', // Bitbucket's web origin
      'http://api.bitbucket.org', // another scheme
      'https://api.bitbucket.org:8443', // another port
      'https://evil.example',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10 }),
        fc.constantFrom(...foreignOrigins),
        fc.integer({ min: 1, max: 10 }),
        cloudStyle,
        failurePlan,
        async (foreignPage, origin, pagelen, style, plan) => {
          const server = new FakeCloudServer({
            items: rows(pagelen * (foreignPage + 3)),
            style,
            maxPagelen: 100,
            nextOverride: (page, regular) =>
              page === foreignPage ? regular.link.replace(CLOUD_ORIGIN, origin) : regular.next,
          });
          const transport = new FakeTransport(CLOUD_ORIGIN, server, failuresAt(plan, foreignPage + 1));
          const { client } = testClient(CLOUD_BASE, transport);
          expect(await codeOf(drain(cloudPages<Row>(client, { url: CLOUD_PATH, query: { pagelen } })))).toBe('pagination_error');
          expect(transport.foreign).toBe(0);
          expect(transport.received.every((request) => request.url.origin === CLOUD_ORIGIN)).toBe(true);
          expect(transport.successfulPages).toBe(foreignPage + 1);
        },
      ),
      { numRuns },
    );
  });

  it('reads at most maxPages pages, then throws pagination_error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        cloudStyle,
        async (pageCount, maxPages, style) => {
          const server = new FakeCloudServer({ items: rows(pageCount * 3), style, maxPagelen: 100 });
          const transport = new FakeTransport(CLOUD_ORIGIN, server);
          const { client } = testClient(CLOUD_BASE, transport);
          const code = await codeOf(drain(cloudPages<Row>(client, { url: CLOUD_PATH, query: { pagelen: 3 } }, { maxPages })));
          expect(code).toBe(pageCount <= maxPages ? 'none' : 'pagination_error');
          expect(transport.successfulPages).toBe(Math.min(pageCount, maxPages));
        },
      ),
      { numRuns },
    );
  });

  it('a listing that never ends (a fresh next on every page past the last item) yields every item once, then throws a skippable pagination_error within maxStalePages empty pages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 15 }),
        cloudStyle,
        failurePlan,
        async (count, pagelen, maxStalePages, style, plan) => {
          // Past the last item every page is empty and still links to a page after it.
          const server = new FakeCloudServer({ items: rows(count), style, maxPagelen: 100, nextOverride: (_page, regular) => regular.next ?? regular.link });
          const pageCount = Math.ceil(count / pagelen);
          const transport = new FakeTransport(CLOUD_ORIGIN, server, failuresAt(plan, pageCount + 1));
          const { client } = testClient(CLOUD_BASE, transport);
          const seen: number[] = [];
          let failure: unknown;
          try {
            for await (const page of cloudPages<Row>(client, { url: CLOUD_PATH, query: { pagelen } }, { maxStalePages })) seen.push(...page.items.map((row) => row.id));
          } catch (error) {
            failure = error;
          }
          expect(seen).toEqual(range(count));
          expect(isBbsyncError(failure) && failure.code).toBe('pagination_error');
          expect(isBbsyncError(failure) && failure.disposition).toBe('skippable');
          // The item pages, then at most maxStalePages empty ones (fewer when the stated size ends it first).
          expect(transport.successfulPages).toBeGreaterThanOrEqual(pageCount + (style === 'list' ? 1 : maxStalePages));
          expect(transport.successfulPages).toBeLessThanOrEqual(pageCount + maxStalePages);
        },
      ),
      { numRuns },
    );
  });

  it('a listing that serves the same page again with a fresh next is given up after maxStalePages repeats', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 10 }),
        async (pagelen, maxStalePages, before) => {
          // Every page after `before` pages serves the rows of page `before` again, under a fresh link each time.
          const page = (index: number) => rows(pagelen).map((row) => ({ id: Math.min(index, before) * pagelen + row.id }));
          let served = 0;
          const transport = new FakeTransport(CLOUD_ORIGIN, {
            answer: (url) => {
              const index = url.searchParams.has('page') ? Number(url.searchParams.get('page')) : 0;
              served += 1;
              return { status: 200, json: { pagelen, values: page(index), next: `${CLOUD_BASE}${CLOUD_PATH}?page=${index + 1}` }, page: index };
            },
          });
          const { client } = testClient(CLOUD_BASE, transport);
          const code = await codeOf(drain(cloudPages<Row>(client, { url: CLOUD_PATH, query: { pagelen } }, { maxStalePages })));
          expect(code).toBe('pagination_error');
          expect(served).toBe(before + 1 + maxStalePages);
        },
      ),
      { numRuns },
    );
  });

  it('a stated size bounds the pages: a never-ending listing stops within twice the pages its size fills, plus two', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 20 }), async (size, pagelen) => {
        // Fresh, non-repeating rows on every page, forever, while claiming `size` items.
        const transport = new FakeTransport(CLOUD_ORIGIN, {
          answer: (url) => {
            const index = url.searchParams.has('page') ? Number(url.searchParams.get('page')) : 0;
            const values = rows(pagelen).map((row) => ({ id: index * pagelen + row.id }));
            return { status: 200, json: { pagelen, size, values, next: `${CLOUD_BASE}${CLOUD_PATH}?page=${index + 1}` }, page: index };
          },
        });
        const { client } = testClient(CLOUD_BASE, transport);
        expect(await codeOf(drain(cloudPages<Row>(client, { url: CLOUD_PATH, query: { pagelen } })))).toBe('pagination_error');
        expect(transport.successfulPages).toBe(2 * Math.ceil(size / pagelen) + 2);
      }),
      { numRuns },
    );
  });

  it('newest first, takeWhileNewer requests exactly the pages up to the one holding the first item at or past the cursor', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.nat(),
        fc.integer({ min: 1, max: 50 }),
        cloudStyle,
        failurePlan,
        async (count, cursorSelector, pagelen, style, plan) => {
          // Item i has timestamp count - i (newest first); the first item at or past the cursor is `firstOld`.
          const firstOld = cursorSelector % (count + 1);
          const cursor = count - firstOld;
          const listing = rows(count).map((row) => ({ ...row, ts: count - row.id }));
          const server = new FakeCloudServer({ items: listing, style, maxPagelen: 100 });
          const pageCount = Math.max(1, Math.ceil(count / pagelen));
          const transport = new FakeTransport(CLOUD_ORIGIN, server, failuresAt(plan, pageCount));
          const { client } = testClient(CLOUD_BASE, transport);
          const fresh: number[] = [];
          const pages = cloudPages<{ id: number; ts: number }>(client, { url: CLOUD_PATH, query: { pagelen, sort: '-created_on' } });
          for await (const row of takeWhileNewer(items(pages), (r) => r.ts > cursor)) fresh.push(row.id);
          expect(fresh).toEqual(range(firstOld));
          expect(transport.successfulPages).toBe(firstOld < count ? Math.floor(firstOld / pagelen) + 1 : pageCount);
        },
      ),
      { numRuns },
    );
  });
});

describe('dataCenterPages (property)', () => {
  const sparse = fc.array(fc.nat({ max: 3 }), { maxLength: 500 });

  it('yields every item once, in order, in max(1, ceil(n / effective limit)) successful requests', async () => {
    await fc.assert(
      fc.asyncProperty(
        sparse,
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.boolean(),
        dcLastPage,
        failurePlan,
        async (gaps, limit, maxLimit, jumpToNextVisible, lastPage, plan) => {
          const count = gaps.length;
          const server = new FakeDataCenterServer({ items: rows(count), positions: positionsFrom(gaps), maxLimit, jumpToNextVisible, lastPage });
          const effective = server.effectiveLimit(limit);
          const pageCount = Math.max(1, Math.ceil(count / effective));
          const transport = new FakeTransport(DC_ORIGIN, server, failuresAt(plan, pageCount));
          const { client } = testClient(DC_BASE, transport);
          const pages = await drain(
            dataCenterPages<Row>(client, { url: DC_PATH, query: { limit, state: 'ALL', order: 'NEWEST', withAttributes: false } }),
          );
          expect(pages.flatMap((page) => page.items.map((row) => row.id))).toEqual(range(count));
          expect(transport.successfulPages).toBe(pageCount);
          expect(pages.map((page) => page.index)).toEqual(range(pageCount));
          expect(pages.every((page) => page.pageSize === effective)).toBe(true);
          expect(pages.at(-1)?.next).toBeUndefined();
          expect(transport.received.length).toBe(transport.successfulPages + transport.injected);
        },
      ),
      { numRuns },
    );
  });

  it('over raw windows (short and empty pages before the last), yields every item once, in order, reading up to the last item', async () => {
    await fc.assert(
      fc.asyncProperty(
        sparse,
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 200 }),
        dcLastPage,
        failurePlan,
        async (gaps, limit, maxLimit, lastPage, plan) => {
          const positions = positionsFrom(gaps);
          const server = new FakeDataCenterServer({ items: rows(gaps.length), positions, window: 'raw', maxLimit, jumpToNextVisible: false, lastPage });
          const effective = server.effectiveLimit(limit);
          const lastPosition = positions.at(-1);
          const pageCount = lastPosition === undefined ? 1 : Math.floor(lastPosition / effective) + 1;
          const transport = new FakeTransport(DC_ORIGIN, server, failuresAt(plan, pageCount));
          const { client } = testClient(DC_BASE, transport);
          const pages = await drain(dataCenterPages<Row>(client, { url: DC_PATH, query: { limit } }));
          expect(pages.flatMap((page) => page.items.map((row) => row.id))).toEqual(range(gaps.length));
          expect(transport.successfulPages).toBe(pageCount);
        },
      ),
      { numRuns },
    );
  });

  it('throws pagination_error when nextPageStart goes back or stays, without requesting a start twice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 20 }),
        fc.nat(),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.nat({ max: 3 }), { minLength: 300, maxLength: 300 }),
        fc.boolean(),
        failurePlan,
        async (loopPage, back, limit, gaps, jumpToNextVisible, plan) => {
          const server = new FakeDataCenterServer({
            items: rows(gaps.length),
            positions: positionsFrom(gaps),
            maxLimit: 1000,
            jumpToNextVisible,
            lastPage: 'null',
            nextOverride: (page, start, regular) => (page === loopPage ? start - (back % (start + 1)) : regular),
          });
          const transport = new FakeTransport(DC_ORIGIN, server, failuresAt(plan, loopPage + 1));
          const { client } = testClient(DC_BASE, transport);
          expect(await codeOf(drain(dataCenterPages<Row>(client, { url: DC_PATH, query: { limit } })))).toBe('pagination_error');
          expect(transport.successfulPages).toBe(loopPage + 1);
          expect(new Set(transport.urls()).size).toBe(loopPage + 1);
        },
      ),
      { numRuns },
    );
  });

  it('reads at most maxPages pages, then throws pagination_error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), async (pageCount, maxPages) => {
        const count = pageCount * 2;
        const server = new FakeDataCenterServer({
          items: rows(count),
          positions: range(count),
          maxLimit: 1000,
          jumpToNextVisible: false,
          lastPage: 'absent',
        });
        const transport = new FakeTransport(DC_ORIGIN, server);
        const { client } = testClient(DC_BASE, transport);
        const code = await codeOf(drain(dataCenterPages<Row>(client, { url: DC_PATH, query: { limit: 2 } }, { maxPages })));
        expect(code).toBe(pageCount <= maxPages ? 'none' : 'pagination_error');
        expect(transport.successfulPages).toBe(Math.min(pageCount, maxPages));
      }),
      { numRuns },
    );
  });

  it('a listing whose nextPageStart never ends yields every item once, then throws a skippable pagination_error within maxStalePages empty pages', async () => {
    await fc.assert(
      fc.asyncProperty(sparse, fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 15 }), failurePlan, async (gaps, limit, maxStalePages, plan) => {
        const count = gaps.length;
        const positions = positionsFrom(gaps);
        const afterLast = (positions.at(-1) ?? -1) + 1;
        const server = new FakeDataCenterServer({
          items: rows(count),
          positions,
          maxLimit: 1000,
          jumpToNextVisible: false,
          lastPage: 'stuck',
          // Past the last item every page is empty and names a later start.
          nextOverride: (_page, start, regular) => regular ?? Math.max(start, afterLast) + 1,
        });
        const pageCount = Math.ceil(count / limit);
        const transport = new FakeTransport(DC_ORIGIN, server, failuresAt(plan, pageCount + 1));
        const { client } = testClient(DC_BASE, transport);
        const seen: number[] = [];
        let failure: unknown;
        try {
          for await (const page of dataCenterPages<Row>(client, { url: DC_PATH, query: { limit } }, { maxStalePages })) seen.push(...page.items.map((row) => row.id));
        } catch (error) {
          failure = error;
        }
        expect(seen).toEqual(range(count));
        expect(isBbsyncError(failure) && failure.code).toBe('pagination_error');
        expect(isBbsyncError(failure) && failure.disposition).toBe('skippable');
        expect(transport.successfulPages).toBe(pageCount + maxStalePages);
      }),
      { numRuns },
    );
  });

  it('the stale-page cap never cuts a listing whose runs of empty pages are shorter than it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 8 }), { maxLength: 200 }), fc.integer({ min: 1, max: 4 }), dcLastPage, async (gaps, limit, lastPage) => {
        // Raw windows of `limit` positions: a gap of g hidden items gives at most ceil(g / limit) empty pages in a row.
        const maxStalePages = Math.max(...gaps.map((gap) => Math.ceil(gap / limit)), 0) + 1;
        const server = new FakeDataCenterServer({ items: rows(gaps.length), positions: positionsFrom(gaps), window: 'raw', maxLimit: 1000, jumpToNextVisible: false, lastPage });
        const transport = new FakeTransport(DC_ORIGIN, server);
        const { client } = testClient(DC_BASE, transport);
        const pages = await drain(dataCenterPages<Row>(client, { url: DC_PATH, query: { limit } }, { maxStalePages }));
        expect(pages.flatMap((page) => page.items.map((row) => row.id))).toEqual(range(gaps.length));
      }),
      { numRuns },
    );
  });

  it('newest first, takeWhileNewer requests exactly the pages up to the one holding the first item at or past the cursor', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 3 }), { maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        failurePlan,
        async (gaps, cursorSelector, limit, maxLimit, plan) => {
          const count = gaps.length;
          const firstOld = cursorSelector % (count + 1);
          const cursor = count - firstOld;
          const listing = rows(count).map((row) => ({ ...row, ts: count - row.id }));
          const server = new FakeDataCenterServer({
            items: listing,
            positions: positionsFrom(gaps),
            maxLimit,
            jumpToNextVisible: true,
            lastPage: 'stuck',
          });
          const effective = server.effectiveLimit(limit);
          const pageCount = Math.max(1, Math.ceil(count / effective));
          const transport = new FakeTransport(DC_ORIGIN, server, failuresAt(plan, pageCount));
          const { client } = testClient(DC_BASE, transport);
          const fresh: number[] = [];
          const pages = dataCenterPages<{ id: number; ts: number }>(client, { url: DC_PATH, query: { limit, order: 'NEWEST' } });
          for await (const row of takeWhileNewer(items(pages), (r) => r.ts > cursor)) fresh.push(row.id);
          expect(fresh).toEqual(range(firstOld));
          expect(transport.successfulPages).toBe(firstOld < count ? Math.floor(firstOld / effective) + 1 : pageCount);
        },
      ),
      { numRuns },
    );
  });
});
