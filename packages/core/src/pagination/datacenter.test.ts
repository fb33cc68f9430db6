import { describe, expect, it } from 'vitest';
import { isBbsyncError } from '../errors.js';
import { dataCenterPages } from './datacenter.js';
import { DC_BASE, DC_ORIGIN, DC_PATH } from './__tests__/fake-datacenter.js';
import { FakeTransport, type ServerAnswer } from './__tests__/fake-transport.js';
import { testClient } from './__tests__/test-client.js';
import type { DataCenterPageRequest, Page, PaginateOptions } from './types.js';

/** A transport whose server answers the n-th request (0-based) with `answers[n]`. */
function scripted(answers: readonly unknown[]): FakeTransport {
  let call = 0;
  return new FakeTransport(DC_ORIGIN, {
    answer: (): ServerAnswer => ({ status: 200, json: answers[call++] ?? { errors: [{ message: 'unexpected request' }] } }),
  });
}

async function drain(transport: FakeTransport, request: DataCenterPageRequest, options?: PaginateOptions): Promise<Page<unknown>[]> {
  const { client } = testClient(DC_BASE, transport);
  const pages: Page<unknown>[] = [];
  for await (const page of dataCenterPages(client, request, options)) pages.push(page);
  return pages;
}

async function codeOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
    return 'none';
  } catch (error) {
    if (isBbsyncError(error)) return error.code;
    throw error;
  }
}

function query(transport: FakeTransport, call: number): string {
  return transport.received[call]?.url.search ?? '(none)';
}

describe('dataCenterPages', () => {
  it('stops on isLastPage: false with nextPageStart: null (a stuck server)', async () => {
    const transport = scripted([{ size: 1, limit: 25, isLastPage: false, start: 0, values: ['a'], nextPageStart: null }]);
    const pages = await drain(transport, { url: DC_PATH, query: { limit: 25 } });
    expect(pages).toEqual([{ items: ['a'], index: 0, next: undefined, pageSize: 25 }]);
    expect(transport.received).toHaveLength(1);
  });

  it('stops on isLastPage: true even when nextPageStart is present', async () => {
    const transport = scripted([{ size: 1, limit: 25, isLastPage: true, start: 0, values: ['a'], nextPageStart: 1 }]);
    expect(await drain(transport, { url: DC_PATH, query: { limit: 25 } })).toHaveLength(1);
    expect(transport.received).toHaveLength(1);
  });

  it('reports a clamped limit (asked 1000, got 500) and keeps asking for 1000 from nextPageStart', async () => {
    const transport = scripted([
      { size: 500, limit: 500, isLastPage: false, start: 0, values: Array(500).fill('x'), nextPageStart: 500 },
      { size: 3, limit: 500, isLastPage: true, start: 500, values: ['a', 'b', 'c'] },
    ]);
    const pages = await drain(transport, { url: DC_PATH, query: { limit: 1000 } });
    expect(pages.map((page) => [page.items.length, page.pageSize, page.next])).toEqual([
      [500, 500, '500'],
      [3, 500, undefined],
    ]);
    expect(query(transport, 0)).toBe('?limit=1000');
    expect(query(transport, 1)).toBe('?limit=1000&start=500');
  });

  it('continues at nextPageStart, not start + limit (projects?limit=1 answering nextPageStart 2)', async () => {
    const transport = scripted([
      { size: 1, limit: 1, isLastPage: false, start: 0, values: ['A'], nextPageStart: 2 },
      { size: 1, limit: 1, isLastPage: true, start: 2, values: ['C'], nextPageStart: null },
    ]);
    const pages = await drain(transport, { url: '/projects', query: { limit: 1 } });
    expect(pages.flatMap((page) => page.items)).toEqual(['A', 'C']);
    expect(query(transport, 1)).toBe('?limit=1&start=2');
  });

  it('does not take a short page for the last one', async () => {
    const transport = scripted([
      { size: 1, limit: 25, isLastPage: false, start: 0, values: ['a'], nextPageStart: 25 },
      { size: 1, limit: 25, isLastPage: true, start: 25, values: ['b'], nextPageStart: null },
    ]);
    expect((await drain(transport, { url: DC_PATH, query: { limit: 25 } })).flatMap((page) => page.items)).toEqual(['a', 'b']);
  });

  it('keeps every other query parameter, repeated ones included, and starts where asked', async () => {
    const transport = scripted([
      { size: 1, limit: 10, isLastPage: false, start: 40, values: [1], nextPageStart: 41 },
      { size: 1, limit: 10, isLastPage: true, start: 41, values: [2] },
    ]);
    await drain(transport, { url: DC_PATH, query: { state: 'ALL', start: 40, limit: 10, role: ['AUTHOR', 'REVIEWER'], withAttributes: false } });
    expect(query(transport, 0)).toBe('?state=ALL&start=40&limit=10&role=AUTHOR&role=REVIEWER&withAttributes=false');
    expect(query(transport, 1)).toBe('?state=ALL&start=41&limit=10&role=AUTHOR&role=REVIEWER&withAttributes=false');
  });

  it('ends without a page on an expected status', async () => {
    const transport = new FakeTransport(DC_ORIGIN, { answer: () => ({ status: 204, json: '' }) });
    expect(await drain(transport, { url: DC_PATH, query: { limit: 10 }, expect: [204] })).toEqual([]);
  });

  it.each([
    ['stays', 0],
    ['goes back', 3],
  ])('throws pagination_error when nextPageStart %s', async (_name, back) => {
    const transport = scripted([
      { size: 2, limit: 2, isLastPage: false, start: 0, values: [1, 2], nextPageStart: 4 },
      { size: 2, limit: 2, isLastPage: false, start: 4, values: [3, 4], nextPageStart: 4 - back },
    ]);
    expect(await codeOf(drain(transport, { url: DC_PATH, query: { limit: 2 } }))).toBe('pagination_error');
    expect(transport.received).toHaveLength(2);
  });

  it.each([['7'], [-1], [1.5], [{}]])('throws bad_response on nextPageStart %j', async (nextPageStart) => {
    const transport = scripted([{ size: 1, limit: 1, isLastPage: false, start: 0, values: [1], nextPageStart }]);
    expect(await codeOf(drain(transport, { url: DC_PATH, query: { limit: 1 } }))).toBe('bad_response');
  });

  it('throws bad_response on a page without values', async () => {
    const transport = scripted([{ errors: [{ message: 'Service unavailable' }] }]);
    expect(await codeOf(drain(transport, { url: DC_PATH, query: { limit: 1 } }))).toBe('bad_response');
  });

  it.each([
    [{ limit: 0 }],
    [{ limit: -5 }],
    [{ limit: 2.5 }],
    [{ limit: 10, start: -1 }],
    [{ limit: 10, start: 'x' }],
  ])('refuses %j before sending', async (bad) => {
    const transport = scripted([]);
    expect(await codeOf(drain(transport, { url: DC_PATH, query: bad }))).toBe('config_error');
    expect(transport.received).toHaveLength(0);
  });

  it('refuses a page beyond maxPages', async () => {
    const transport = scripted([
      { size: 1, limit: 1, isLastPage: false, start: 0, values: [1], nextPageStart: 1 },
      { size: 1, limit: 1, isLastPage: false, start: 1, values: [2], nextPageStart: 2 },
    ]);
    expect(await codeOf(drain(transport, { url: DC_PATH, query: { limit: 1 } }, { maxPages: 2 }))).toBe('pagination_error');
    expect(transport.received).toHaveLength(2);
  });
});
