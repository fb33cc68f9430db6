/**
 * A reverse proxy in front of the simulator, in the test process: it numbers every request (so a test can kill
 * the sync at exactly the N-th request the simulator would receive), can answer in the simulator's place (a
 * redirect, an oversized or deeply nested body), and can rewrite JSON answers (hostile repository names).
 * Links in answers that name the simulator's origin are rewritten to the proxy's, so pagination stays on the
 * origin the client was configured with.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  /** 1-based number of the request. */
  readonly n: number;
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** An answer given instead of forwarding: a response, or `reset` (the socket is destroyed). */
export type ProxyAnswer = 'reset' | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string | Buffer };

export interface ProxyHooks {
  /** Sees each request first; returning an answer stops it from reaching the simulator. */
  onRequest?(request: ProxiedRequest): ProxyAnswer | undefined | void;
  /** Rewrites a JSON answer of the simulator (after the origin rewrite). */
  rewriteJson?(body: unknown, request: ProxiedRequest): unknown;
  /** Delay before forwarding each request (so that time budgets run out mid-sync). */
  readonly latencyMs?: number;
}

export interface RunningProxy {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** Requests received so far. */
  count(): number;
  /** Requests forwarded to the simulator so far. */
  forwarded(): number;
  close(): Promise<void>;
}

/** Starts a proxy to `target` (an origin, `http://127.0.0.1:PORT`). */
export async function startProxy(target: string, hooks: ProxyHooks = {}): Promise<RunningProxy> {
  const targetUrl = new URL(target);
  let received = 0;
  let forwarded = 0;
  let origin = '';
  const server: Server = createServer((req, res) => {
    received += 1;
    const proxied: ProxiedRequest = { n: received, method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
    void handle(req, res, proxied).catch(() => res.socket?.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse, proxied: ProxiedRequest): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = hooks.onRequest?.(proxied);
    if (answer === 'reset') {
      res.socket?.destroy();
      return;
    }
    if (answer !== undefined) {
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body);
      return;
    }
    if (hooks.latencyMs !== undefined && hooks.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, hooks.latencyMs));
    forwarded += 1;
    const upstream = await forward(targetUrl, req, Buffer.concat(chunks));
    if (upstream === undefined) {
      res.socket?.destroy();
      return;
    }
    let body = upstream.body;
    const type = String(upstream.headers['content-type'] ?? '');
    if (body.length > 0 && /json|text|html/.test(type)) {
      let text = body.toString('utf8').replaceAll(target, origin);
      if (hooks.rewriteJson !== undefined && type.includes('json')) {
        try {
          text = JSON.stringify(hooks.rewriteJson(JSON.parse(text), proxied));
        } catch {
          // Not JSON after all (a fault of the simulator): pass it on as it is.
        }
      }
      body = Buffer.from(text, 'utf8');
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value === undefined || ['content-length', 'connection', 'keep-alive', 'transfer-encoding', 'content-encoding'].includes(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : name === 'location' ? value.replaceAll(target, origin) : value;
    }
    headers['content-length'] = String(body.length);
    res.writeHead(upstream.status, headers);
    res.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    count: () => received,
    forwarded: () => forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Upstream {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** Sends the request on to the simulator; undefined when the simulator reset or truncated its answer. */
function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<Upstream | undefined> {
  return new Promise((resolve) => {
    const headers = { ...req.headers, host: target.host, 'accept-encoding': 'identity' };
    delete headers['content-length'];
    if (body.length > 0) headers['content-length'] = String(body.length);
    const outgoing = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', () => resolve(undefined));
      response.on('aborted', () => resolve(undefined));
    });
    outgoing.on('error', () => resolve(undefined));
    outgoing.end(body);
  });
}
