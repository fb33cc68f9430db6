import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a handler sees it: the body is read already. */
export interface SimRequest {
  readonly method: string;
  /** Full URL as received (host from the Host header). */
  readonly url: URL;
  /** Path below the API base (e.g. `/repositories/ws` for `/2.0/repositories/ws`). */
  readonly path: string;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** A JS value is sent as JSON; a string or Buffer as is. */
  body?: unknown;
  /** Fault hooks: cut the body after this many bytes and destroy the socket. */
  truncateAt?: number;
  /** Fault hooks: destroy the socket without answering. */
  reset?: boolean;
  /** Fault hooks: wait this long before answering (a stall past the client's timeout). */
  delayMs?: number;
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

export interface Mount {
  /** Path prefix, e.g. `/2.0` or `/bitbucket/rest/api/1.0`. */
  readonly prefix: string;
  readonly handler: SimHandler;
}

export interface RunningServer {
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
  readonly server: Server;
}

/** Starts a real HTTP server on 127.0.0.1 (port 0 = any free port) that dispatches to mounts by longest prefix. */
export async function startHttpServer(mounts: readonly Mount[], port = 0, host = '127.0.0.1'): Promise<RunningServer> {
  const sorted = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  const server = createServer((req, res) => {
    void dispatch(sorted, req, res);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const origin = `http://${host}:${address.port}`;
  return {
    origin,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function dispatch(mounts: readonly Mount[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const mount = mounts.find((m) => url.pathname === m.prefix || url.pathname.startsWith(m.prefix + '/'));
    if (!mount) return send(res, { status: 404, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>404 Not Found</h1></body></html>' });
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const response = await mount.handler({
      method: req.method ?? 'GET',
      url,
      path: url.pathname.slice(mount.prefix.length) || '/',
      headers,
      body: Buffer.concat(chunks),
    });
    await send(res, response);
  } catch (error) {
    send(res, { status: 500, headers: { 'content-type': 'text/plain' }, body: `simulator error: ${(error as Error).stack ?? String(error)}` });
  }
}

async function send(res: ServerResponse, response: SimResponse): Promise<void> {
  if (response.delayMs) await new Promise((r) => setTimeout(r, response.delayMs));
  if (response.reset) {
    res.socket?.destroy();
    return;
  }
  let payload: Buffer | undefined;
  const headers: Record<string, string> = { ...response.headers };
  if (response.body === undefined || response.status === 204) payload = undefined;
  else if (Buffer.isBuffer(response.body)) payload = response.body;
  else if (typeof response.body === 'string') payload = Buffer.from(response.body);
  else {
    payload = Buffer.from(JSON.stringify(response.body));
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  if (payload) headers['content-length'] = String(payload.length);
  res.writeHead(response.status, headers);
  if (payload && response.truncateAt !== undefined && response.truncateAt < payload.length) {
    res.write(payload.subarray(0, response.truncateAt), () => res.socket?.destroy());
    return;
  }
  res.end(payload);
}
