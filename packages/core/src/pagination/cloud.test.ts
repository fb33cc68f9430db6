import { describe, expect, it } from 'vitest';
import { isBbsyncError } from '../errors.js';
import { cloudPages } from './cloud.js';
import { CLOUD_BASE, CLOUD_ORIGIN, CLOUD_PATH, FakeCloudServer } from './__tests__/fake-cloud.js';
import { FakeTransport, type ServerAnswer } from './__tests__/fake-transport.js';
import { TEST_TOKEN, testClient } from './__tests__/test-client.js';
import type { CloudPageRequest, Page, PaginateOptions } from './types.js';

/** A transport whose server answers the n-th request (0-based) with `answers(n, url)`. */
function scripted(answers: (call: number, url: URL) => ServerAnswer): FakeTransport {
  let call = 0;
  return new FakeTransport(CLOUD_ORIGIN, { answer: (url) => answers(call++, url) });
}

async function drain(transport: FakeTransport, request: CloudPageRequest, options?: PaginateOptions): Promise<Page<unknown>[]> {
  const { client } = testClient(CLOUD_BASE, transport);
  const pages: Page<unknown>[] = [];
  for await (const page of cloudPages(client, request, options)) pages.push(page);
  return pages;
}

async function failure(run: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run;
  } catch (error) {
    if (isBbsyncError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a failure');
}

describe('cloudPages', () => {
  it('sends + in fields as %2B, repeats state, and follows next verbatim with no query of its own', async () => {
    const server = new FakeCloudServer({ items: [1, 2, 3], style: 'cursor', maxPagelen: 50 });
    const transport = new FakeTransport(CLOUD_ORIGIN, server);
    const pages = await drain(transport, {
      url: '/repositories/acme/widgets/commits',
      query: { pagelen: 2, fields: '+values.reviewers,-links', state: ['OPEN', 'MERGED', 'DECLINED'] },
    });
    expect(pages.map((page) => page.items)).toEqual([[1, 2], [3]]);
    const [first, second] = transport.urls();
    expect(first).toBe(
      `${CLOUD_BASE}${CLOUD_PATH}?pagelen=2&fields=%2Bvalues.reviewers%2C-links&state=OPEN&state=MERGED&state=DECLINED`,
    );
    expect(second).toBe(server.issued.get(0));
    expect(transport.received).toHaveLength(2);
  });

  it('follows an opaque cursor link exactly, keeping its percent-encoding', async () => {
    const next = `${CLOUD_BASE}${CLOUD_PATH}?page=dbtR%2Bx%2F0`;
    const transport = scripted((call) =>
      call === 0 ? { status: 200, json: { pagelen: 1, values: ['a'], next } } : { status: 200, json: { pagelen: 1, values: ['b'] } },
    );
    const pages = await drain(transport, { url: CLOUD_PATH, query: { pagelen: 1 } });
    expect(pages.map((page) => page.items[0])).toEqual(['a', 'b']);
    expect(pages[0]?.next).toBe(next);
    expect(transport.urls()[1]).toBe(next);
  });

  it('reports the page size and total the server sends', async () => {
    const server = new FakeCloudServer({ items: Array.from({ length: 25 }, (_, i) => i), style: 'list', maxPagelen: 10 });
    const pages = await drain(new FakeTransport(CLOUD_ORIGIN, server), { url: CLOUD_PATH, query: { pagelen: 100 } });
    expect(pages.map((page) => [page.index, page.items.length, page.pageSize, page.total])).toEqual([
      [0, 10, 10, 25],
      [1, 10, 10, 25],
      [2, 5, 10, 25],
    ]);
  });

  it('yields one empty page for an empty listing', async () => {
    const transport = scripted(() => ({ status: 200, json: { pagelen: 10, values: [], page: 1, size: 0 } }));
    const pages = await drain(transport, { url: CLOUD_PATH, query: { pagelen: 10 } });
    expect(pages).toEqual([{ items: [], index: 0, next: undefined, pageSize: 10, total: 0 }]);
  });

  it('names a looping next link by the redacted path of its page, never by the link (it may carry the credential)', async () => {
    // A hostile server echoes the access token into a link that repeats: the loop must be reported without it.
    const next = `${CLOUD_BASE}${CLOUD_PATH}/${TEST_TOKEN}?page=${TEST_TOKEN}`;
    const transport = scripted(() => ({ status: 200, json: { pagelen: 1, values: ['a'], next } }));
    const error = await failure(drain(transport, { url: CLOUD_PATH, query: { pagelen: 1 } }));
    expect(error.code).toBe('pagination_error');
    expect(error.message).toContain('a pagination loop');
    expect(error.message).not.toContain(TEST_TOKEN);
    expect(error.message).not.toContain(TEST_TOKEN.slice(0, 16));
  });

  it('ends without a page on an expected status (a gone branch answering 404)', async () => {
    const transport = scripted(() => ({ status: 404, json: { type: 'error', error: { message: 'not found' } } }));
    expect(await drain(transport, { url: CLOUD_PATH, query: { pagelen: 10 }, expect: [404] })).toEqual([]);
  });

  it('stops requesting when the consumer stops', async () => {
    const server = new FakeCloudServer({ items: Array.from({ length: 100 }, (_, i) => i), style: 'cursor', maxPagelen: 10 });
    const transport = new FakeTransport(CLOUD_ORIGIN, server);
    const { client } = testClient(CLOUD_BASE, transport);
    for await (const page of cloudPages(client, { url: CLOUD_PATH, query: { pagelen: 10 } })) {
      if (page.index === 1) break;
    }
    expect(transport.received).toHaveLength(2);
  });

  describe('refuses before sending', () => {
    it.each([
      'values.uuid,values.name',
      'values.uuid,page,pagelen,size',
      '+values.reviewers,-next',
      'values.*',
    ])('fields=%s, which drops next', async (fields) => {
      const transport = scripted(() => ({ status: 200, json: { values: [] } }));
      const { code, message } = await failure(drain(transport, { url: CLOUD_PATH, query: { pagelen: 10, fields } }));
      expect(code).toBe('config_error');
      expect(message).toContain('"next"');
      expect(transport.received).toHaveLength(0);
    });

    it.each(['values.uuid,next', 'values.uuid,next,pagelen', '+values.reviewers,-links', '*', '-values.links', 'values.id,+next'])(
      'but accepts fields=%s',
      async (fields) => {
        const transport = scripted(() => ({ status: 200, json: { values: [] } }));
        expect(await drain(transport, { url: CLOUD_PATH, query: { pagelen: 10, fields } })).toHaveLength(1);
      },
    );

    it.each([0, -1, 1.5, Number.NaN])('pagelen %s', async (pagelen) => {
      const transport = scripted(() => ({ status: 200, json: { values: [] } }));
      expect((await failure(drain(transport, { url: CLOUD_PATH, query: { pagelen } }))).code).toBe('config_error');
      expect(transport.received).toHaveLength(0);
    });

    it('maxPages 0', async () => {
      const transport = scripted(() => ({ status: 200, json: { values: [] } }));
      expect((await failure(drain(transport, { url: CLOUD_PATH, query: { pagelen: 10 } }, { maxPages: 0 }))).code).toBe('config_error');
    });
  });

  describe('bad pages', () => {
    it.each([
      ['an error object', { type: 'error', error: { message: 'Invalid page' } }],
      ['values that is not an array', { values: { a: 1 } }],
      ['a bare array', [1, 2]],
      ['text', '<html>Maintenance</html>'],
    ])('%s is a bad_response', async (_name, json) => {
      const transport = scripted(() => ({ status: 200, json }));
      expect((await failure(drain(transport, { url: CLOUD_PATH, query: { pagelen: 10 } }))).code).toBe('bad_response');
    });

    it.each([[42], [''], [{ href: 'x' }]])('next %j is a bad_response', async (next) => {
      const transport = scripted(() => ({ status: 200, json: { values: [1], next } }));
      expect((await failure(drain(transport, { url: CLOUD_PATH, query: { pagelen: 10 } }))).code).toBe('bad_response');
    });

    it('treats next: null as the last page', async () => {
      const transport = scripted(() => ({ status: 200, json: { values: [1], next: null } }));
      expect(await drain(transport, { url: CLOUD_PATH, query: { pagelen: 10 } })).toHaveLength(1);
    });
  });

  describe('pagination_error', () => {
    it('on a next link carrying user info, sending nothing there', async () => {
      const next = `https://user:secret@api.bitbucket.org/2.0${CLOUD_PATH}?page=2`;
      const transport = scripted(() => ({ status: 200, json: { values: [1], next } }));
      const { code, message } = await failure(drain(transport, { url: CLOUD_PATH, query: { pagelen: 1 } }));
      expect(code).toBe('pagination_error');
      expect(message).not.toContain('secret');
      expect(transport.received).toHaveLength(1);
    });

    it('on a next link to the web origin, naming only its origin', async () => {
      const next = 'https://bitbucket.org/acme/widgets/commits?page=2&token=abc';
      const transport = scripted(() => ({ status: 200, json: { values: [1], next } }));
      const { code, message } = await failure(drain(transport, { url: CLOUD_PATH, query: { pagelen: 1 } }));
      expect(code).toBe('pagination_error');
      expect(message).toContain('https://bitbucket.org');
      expect(message).not.toContain('token');
      expect(transport.received).toHaveLength(1);
    });

    it('on a next link back to the first page, without requesting it again', async () => {
      const transport = scripted(() => ({ status: 200, json: { values: [1], next: `${CLOUD_BASE}${CLOUD_PATH}?pagelen=1&q=a%20b` } }));
      expect((await failure(drain(transport, { url: CLOUD_PATH, query: { pagelen: 1, q: 'a b' } }))).code).toBe('pagination_error');
      expect(transport.received).toHaveLength(1);
    });

    it('on a page that links to itself', async () => {
      const self = `${CLOUD_BASE}${CLOUD_PATH}?page=abc`;
      const transport = scripted(() => ({ status: 200, json: { values: [1], next: self } }));
      expect((await failure(drain(transport, { url: CLOUD_PATH, query: { pagelen: 1 } }))).code).toBe('pagination_error');
      expect(transport.urls()).toEqual([`${CLOUD_BASE}${CLOUD_PATH}?pagelen=1`, self]);
    });
  });
});
