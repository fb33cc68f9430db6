import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync, brotliCompressSync, deflateSync, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BbsyncError } from '../errors.js';
import { cloudBudgets } from './budget.js';
import { createApiClient } from './client.js';
import { parseCredentials } from './credentials.js';
import { createUndiciTransport, loadCa, type UndiciTransport } from './transport.js';

type Route = (request: IncomingMessage, response: ServerResponse) => void;

const routes: Record<string, Route> = {
  '/json': (_, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ hello: 'world' }));
  },
  '/gzip': (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('content-encoding', 'gzip');
    res.setHeader('x-saw-accept-encoding', String(req.headers['accept-encoding']));
    res.end(gzipSync(JSON.stringify({ values: Array.from({ length: 500 }, (_, i) => i) })));
  },
  '/br': (_, res) => {
    res.setHeader('content-encoding', 'br');
    res.end(brotliCompressSync('{"br":true}'));
  },
  '/deflate': (_, res) => {
    res.setHeader('content-encoding', 'deflate');
    res.end(deflateSync('{"deflate":true}'));
  },
  '/deflate-raw': (_, res) => {
    res.setHeader('content-encoding', 'deflate');
    res.end(deflateRawSync('{"raw":true}'));
  },
  '/truncated-gzip': (_, res) => {
    res.setHeader('content-encoding', 'gzip');
    const full = gzipSync('x'.repeat(10_000));
    res.end(full.subarray(0, Math.floor(full.length / 2)));
  },
  '/gzip-bomb': (_, res) => {
    res.setHeader('content-encoding', 'gzip');
    res.end(gzipSync(Buffer.alloc(4 * 1024 * 1024)));
  },
  '/large-declared': (_, res) => {
    res.setHeader('content-length', String(10 * 1024 * 1024));
    res.write(Buffer.alloc(1024));
    // Never finishes: the transport must give up on the declared length without reading it all.
  },
  '/large-chunked': (_, res) => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < 64) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  },
  '/stall-headers': () => {
    // Never answers.
  },
  '/stall-body': (_, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"values": [');
  },
  '/trickle': (req, res) => {
    // One byte every 20 ms, never ending: never idle long enough for a body timeout.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('[');
    const timer = setInterval(() => res.write(' '), 20);
    req.socket.on('close', () => clearInterval(timer));
  },
  '/reset': (req) => {
    req.socket.destroy();
  },
  '/redirect': (_, res) => {
    res.writeHead(302, { location: 'https://elsewhere.example.com/steal' });
    res.end();
  },
  '/echo-auth': (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ authorization: req.headers.authorization ?? null, url: req.url }));
  },
};

let server: Server;
let origin: string;
const sockets = new Set<import('node:net').Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/api\/2\.0/, '')];
    if (route) route(req, res);
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function withTransport<T>(options: Parameters<typeof createUndiciTransport>[0], run: (t: UndiciTransport) => Promise<T>): Promise<T> {
  const transport = createUndiciTransport(options);
  try {
    return await run(transport);
  } finally {
    await transport.close().catch(() => undefined);
  }
}

const get = (transport: UndiciTransport, path: string, signal?: AbortSignal) =>
  transport.send({ method: 'GET', url: new URL(path, origin), headers: {}, signal });

async function failure(promise: Promise<unknown>): Promise<BbsyncError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(BbsyncError);
    return error as BbsyncError;
  }
  throw new Error('expected a failure');
}

describe('createUndiciTransport (against a local HTTP server)', () => {
  it('sends accept-encoding: gzip and decodes gzip, br and deflate bodies', async () => {
    await withTransport({}, async (transport) => {
      const gzip = await get(transport, '/gzip');
      expect(gzip.headers['x-saw-accept-encoding']).toBe('gzip');
      expect(JSON.parse(gzip.body.toString()).values).toHaveLength(500);
      expect(JSON.parse((await get(transport, '/br')).body.toString())).toEqual({ br: true });
      expect(JSON.parse((await get(transport, '/deflate')).body.toString())).toEqual({ deflate: true });
      expect(JSON.parse((await get(transport, '/deflate-raw')).body.toString())).toEqual({ raw: true });
    });
  });

  it('maps a truncated gzip body to bad_response', async () => {
    await withTransport({}, async (transport) => {
      const error = await failure(get(transport, '/truncated-gzip'));
      expect(error.code).toBe('bad_response');
    });
  });

  it('refuses bodies over maxResponseBytes, declared, streamed or decoded', async () => {
    await withTransport({ maxResponseBytes: 1024 * 1024 }, async (transport) => {
      for (const path of ['/large-declared', '/large-chunked', '/gzip-bomb']) {
        const error = await failure(get(transport, path));
        expect(error.code).toBe('bad_response');
        expect(error.message).toContain('larger than 1048576 bytes');
      }
    });
  });

  it('maps a headers timeout to network_error', async () => {
    await withTransport({ headersTimeoutMs: 150 }, async (transport) => {
      const error = await failure(get(transport, '/stall-headers'));
      expect(error.code).toBe('network_error');
      expect(error.message).toContain('UND_ERR_HEADERS_TIMEOUT');
      expect(error.disposition).toBe('retriable');
    });
  });

  it('maps a body timeout to network_error', async () => {
    await withTransport({ bodyTimeoutMs: 150 }, async (transport) => {
      const error = await failure(get(transport, '/stall-body'));
      expect(error.code).toBe('network_error');
      expect(error.message).toContain('UND_ERR_BODY_TIMEOUT');
    });
  });

  it('ends a body trickling a byte at a time at the total request deadline, as network_error that is not retried', async () => {
    await withTransport({ bodyTimeoutMs: 60_000, requestTimeoutMs: 300 }, async (transport) => {
      const error = await failure(get(transport, '/trickle'));
      expect(error.code).toBe('network_error');
      expect(error.message).toContain('request deadline');
      expect(error.disposition).toBe('skippable');
    });
    // Through the client: the deadline is not retried (a server that slow is not helped by asking again).
    const transport = createUndiciTransport({ bodyTimeoutMs: 60_000, requestTimeoutMs: 300 });
    const [credential] = parseCredentials([{ accessToken: 'trickle-token' }]);
    const client = createApiClient({ baseUrl: `${origin}/api/2.0`, credentials: [credential!], budgets: cloudBudgets(), transport });
    try {
      const error = await failure(client.request({ url: '/trickle' }));
      expect(error.code).toBe('network_error');
      expect(client.stats().requests).toBe(1);
    } finally {
      await client.close();
      await transport.close().catch(() => undefined);
    }
  }, 20_000);

  it('refuses a request deadline that is not a positive number as config_error', () => {
    expect(() => createUndiciTransport({ requestTimeoutMs: 0 })).toThrow(expect.objectContaining({ code: 'config_error', field: 'requestTimeoutMs' }));
  });

  it('maps a connection reset to network_error', async () => {
    await withTransport({}, async (transport) => {
      const error = await failure(get(transport, '/reset'));
      expect(error.code).toBe('network_error');
    });
  });

  it('maps a refused connection to network_error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await withTransport({}, async (transport) => {
      const error = await failure(transport.send({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/x`), headers: {} }));
      expect(error.code).toBe('network_error');
      expect(error.message).toContain('ECONNREFUSED');
    });
  });

  it('maps an abort to cancelled', async () => {
    await withTransport({}, async (transport) => {
      const controller = new AbortController();
      const pending = get(transport, '/stall-headers', controller.signal);
      setTimeout(() => controller.abort(), 20);
      expect((await failure(pending)).code).toBe('cancelled');
    });
  });

  it('returns a redirect as is, without following it', async () => {
    await withTransport({}, async (transport) => {
      const response = await get(transport, '/redirect');
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe('https://elsewhere.example.com/steal');
    });
  });

  it('reports open sockets per origin', async () => {
    await withTransport({ connections: 2 }, async (transport) => {
      await Promise.all([get(transport, '/json'), get(transport, '/json'), get(transport, '/json')]);
      const stats = transport.stats();
      expect(stats.origins[origin]).toBeDefined();
      expect(stats.connected).toBeGreaterThanOrEqual(1);
      expect(stats.connected).toBeLessThanOrEqual(2);
    });
  });

  it('serves the API client end to end, keeping secrets off the wire except in Authorization', async () => {
    const [credential] = parseCredentials([{ accessToken: 'e2e-token-value' }]);
    const client = createApiClient({ baseUrl: `${origin}/api/2.0`, credentials: [credential!], budgets: cloudBudgets() });
    try {
      const response = await client.request<{ authorization: string; url: string }>({ url: '/echo-auth', query: { q: 'a b+c' } });
      expect(response.body).toEqual({ authorization: 'Bearer e2e-token-value', url: '/api/2.0/echo-auth?q=a%20b%2Bc' });
      const redirect = await failure(client.request({ url: '/redirect' }));
      expect(redirect.code).toBe('pagination_error');
    } finally {
      await client.close();
    }
  });
});

describe('loadCa', () => {
  it('adds PEM text to the bundled roots and reports an unreadable file as config_error', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const cas = loadCa(pem)!;
    expect(cas.at(-1)).toBe(pem);
    expect(cas.length).toBeGreaterThan(10);
    expect(loadCa(undefined)).toBeUndefined();
    let error: unknown;
    try {
      loadCa('/nonexistent/ca.pem');
    } catch (e) {
      error = e;
    }
    expect((error as BbsyncError).code).toBe('config_error');
    expect((error as BbsyncError).field).toBe('ca');
  });
});
