/**
 * A response over the maximum body size is refused as `bad_response` while it streams in (declared by
 * Content-Length, chunked without one, or a gzip bomb that only grows when decoded), not read into memory; an
 * endless body is cut off near the cap. Nesting depth: see the last test.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createApiClient, createUndiciTransport, dataCenterBudgets, isBbsyncError, parseCredentials, type BbsyncError } from '@bbsync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SUITE_TIMEOUT = 60_000;
const CAP = 1024 * 1024;
const DEPTH = 100_000;

let origin = '';
let endlessBytes = 0;
let endlessClosed: Promise<void> = Promise.resolve();
let server: ReturnType<typeof createServer>;

function route(req: IncomingMessage, res: ServerResponse): void {
  const json = { 'content-type': 'application/json' };
  switch (req.url) {
    case '/api/declared': {
      const body = Buffer.from(JSON.stringify({ values: ['x'.repeat(2 * CAP)] }));
      res.writeHead(200, { ...json, 'content-length': String(body.length) });
      res.end(body);
      return;
    }
    case '/api/chunked': {
      res.writeHead(200, json);
      res.write('{"values":["');
      for (let i = 0; i < 40; i += 1) res.write('y'.repeat(64 * 1024));
      res.end('"]}');
      return;
    }
    case '/api/gzip-bomb': {
      const bomb = gzipSync(Buffer.from(`{"values":["${' '.repeat(64 * CAP)}"]}`));
      res.writeHead(200, { ...json, 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      res.end(bomb);
      return;
    }
    case '/api/endless': {
      endlessBytes = 0;
      res.writeHead(200, json);
      endlessClosed = new Promise((resolve) => res.once('close', () => resolve()));
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (!res.destroyed && endlessBytes < 512 * CAP) {
          endlessBytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return;
    }
    case '/api/deep': {
      res.writeHead(200, json);
      res.end(`{"values":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`);
      return;
    }
    default:
      res.writeHead(404, json);
      res.end('{}');
  }
}

beforeAll(async () => {
  server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client() {
  return createApiClient({
    baseUrl: `${origin}/api`,
    credentials: parseCredentials([{ accessToken: 'e2e-limits-token-0123456789' }]),
    budgets: dataCenterBudgets({ enabled: false }),
    transport: createUndiciTransport({ maxResponseBytes: CAP }),
    retry: { maxAttempts: 3, baseDelayMs: 1 },
  });
}

async function failure(path: string): Promise<BbsyncError> {
  const c = client();
  try {
    const outcome = await c.request({ url: path }).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (!isBbsyncError(outcome)) throw new Error(`expected a BbsyncError from ${path}, got ${String(outcome)}`);
    return outcome;
  } finally {
    await c.close();
  }
}

describe('maximum body size', { timeout: SUITE_TIMEOUT }, () => {
  it.each(['/declared', '/chunked', '/gzip-bomb'])('refuses %s as bad_response (fatal: never retried)', async (path) => {
    const error = await failure(path);
    expect(error.code).toBe('bad_response');
    expect(error.message).toMatch(/larger than/);
    expect(error.disposition).toBe('fatal');
  });

  it('stops reading an endless body near the cap (it is not buffered to the end)', async () => {
    const error = await failure('/endless');
    expect(error.code).toBe('bad_response');
    await endlessClosed;
    // Socket buffers hold a few MiB at most; the server would have sent 512 MiB.
    expect(endlessBytes).toBeLessThan(64 * CAP);
  });
});

describe('nesting depth', { timeout: SUITE_TIMEOUT }, () => {
  // The client scans a body's nesting before JSON.parse (MAX_JSON_DEPTH, 64): a 100,000-deep body is refused unparsed.
  it(`refuses a body nested ${DEPTH} deep as bad_response`, async () => {
    const error = await failure('/deep');
    expect(error.code).toBe('bad_response');
  });
});
