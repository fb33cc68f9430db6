/**
 * `bbsync webhooks serve`: the HTTP receiver (Node's `http`). Per delivery, in this order:
 * 1. admission: per-source rate limit and the concurrency gate (its queue full): both 503 with Retry-After,
 *    because Bitbucket Cloud resends only after a 5xx;
 * 2. the body, read up to `maxBodyBytes` (413 beyond it, from `Content-Length` or while streaming);
 * 3. the signature (`X-Hub-Signature`, HMAC-SHA256 of the raw bytes, compared in constant time) before
 *    anything parses the body: unsigned or badly signed deliveries get 401 and write nothing;
 * 4. the source (each connector recognises its delivery-id header) and the delivery id: one already in the
 *    journal is answered 200 at once (a replay or redelivery), one in flight waits for the first's outcome;
 * 5. the connector turns the delivery into records; they and the id are made durable (see WebhookStore);
 * 6. only then 200. Any failure before that answers 5xx, so Bitbucket delivers again.
 * `GET /healthz` answers 200 while the receiver accepts deliveries. Log lines name the event, source,
 * delivery id and outcome: never a header value, a body or the secret.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isBbsyncError, verifySignature, webhookHeader, type Clock, type Connector, type Logger, type ParsedDelivery } from '@bbsync/core';
import { DELIVERY_ID_PATTERN } from './delivery-journal.js';
import type { RepositoryDispatcher } from './dispatch.js';
import { ConcurrencyGate, SourceRateLimiter } from './limits.js';
import type { WebhookStore } from './webhook-store.js';

export interface ReceiverOptions {
  /** The webhook secret the hooks were registered with. */
  readonly secret: string;
  readonly store: WebhookStore;
  /** The connectors whose deliveries are accepted, by source kind. */
  readonly connectors: readonly Connector[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly dispatcher?: RepositoryDispatcher | undefined;
  /** @default 1 MiB (Bitbucket's payloads are a few KiB to a few hundred KiB) */
  readonly maxBodyBytes?: number | undefined;
  /** Deliveries processed at once. @default 16 */
  readonly concurrency?: number | undefined;
  /** Deliveries waiting for a slot before 503. @default 1000 */
  readonly maxQueue?: number | undefined;
  /** Requests per second per remote address (sustained). @default 50 */
  readonly ratePerSecond?: number | undefined;
  /** Requests a remote address may send at once before the rate applies. @default 1000 */
  readonly rateBurst?: number | undefined;
}

export interface ReceiverStats {
  accepted: number;
  duplicates: number;
  rejected: number;
}

export interface WebhookReceiver {
  readonly server: Server;
  readonly stats: ReceiverStats;
  readonly gate: ConcurrencyGate;
  /** Listens on `port` (0 = any) at `host`; resolves with the bound URL. */
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, waits for deliveries in flight, sends pending dispatches, closes the store. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json';

class TooLarge extends Error {}

function answer(response: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'content-type': JSON_TYPE, ...headers });
  response.end(`${JSON.stringify(body)}\n`);
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new TooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new TooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function createWebhookReceiver(options: ReceiverOptions): WebhookReceiver {
  if (options.secret === '') throw new Error('a webhook secret is required');
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const gate = new ConcurrencyGate(options.concurrency ?? 16, options.maxQueue ?? 1000);
  const limiter = new SourceRateLimiter(options.ratePerSecond ?? 50, options.rateBurst ?? 1000, options.clock);
  const stats: ReceiverStats = { accepted: 0, duplicates: 0, rejected: 0 };
  const inFlight = new Map<string, Promise<void>>();
  const requests = new Set<Promise<void>>();
  let closing = false;

  const reject = (response: ServerResponse, status: number, reason: string, headers: Record<string, string> = {}): void => {
    stats.rejected += 1;
    options.logger.warn('delivery refused', { status, reason });
    answer(response, status, { error: reason }, headers);
  };

  async function deliver(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(request, maxBody);
    } catch (error) {
      if (error instanceof TooLarge) {
        reject(response, 413, `body larger than ${maxBody} bytes`, { connection: 'close' });
        request.destroy();
        return;
      }
      throw error;
    }
    // Before anything reads the body: the signature over the raw bytes, in constant time.
    if (!verifySignature(body, webhookHeader(request.headers, 'x-hub-signature'), options.secret)) {
      reject(response, 401, 'missing or invalid X-Hub-Signature');
      return;
    }
    const connector = options.connectors.find((candidate) => candidate.webhooks.recognizes(request.headers));
    if (connector === undefined) {
      reject(response, 400, 'not a Bitbucket delivery (no X-Request-UUID or X-Request-Id)');
      return;
    }
    const source = connector.kind;
    const id = (webhookHeader(request.headers, connector.webhooks.deliveryIdHeader) ?? '').trim();
    if (!DELIVERY_ID_PATTERN.test(id)) {
      reject(response, 400, 'malformed delivery id');
      return;
    }
    const event = webhookHeader(request.headers, 'x-event-key') ?? '';
    const flightKey = `${source} ${id}`;
    // A redelivery while the first attempt is still being written: wait for it instead of writing twice.
    for (let earlier = inFlight.get(flightKey); earlier !== undefined; earlier = inFlight.get(flightKey)) await earlier.catch(() => undefined);
    if (options.store.seen(source, id)) {
      stats.duplicates += 1;
      options.logger.info('delivery already stored', { source, delivery: id, event: safeEvent(event) });
      answer(response, 200, { status: 'duplicate' });
      return;
    }
    let parsed: ParsedDelivery;
    try {
      parsed = connector.webhooks.parseDelivery(request.headers, body);
    } catch (error) {
      if (isBbsyncError(error, 'bad_response')) {
        reject(response, 400, 'body is not a JSON object');
        return;
      }
      throw error;
    }
    const commit = options.store.commit({ source, id, parsed });
    inFlight.set(flightKey, commit);
    try {
      await commit;
    } finally {
      inFlight.delete(flightKey);
    }
    stats.accepted += 1;
    if (parsed.repository !== undefined) options.dispatcher?.note(source, parsed.repository.name);
    options.logger.info('delivery stored', { source, delivery: id, event: safeEvent(event), records: parsed.records.length });
    answer(response, 200, { status: 'stored', records: parsed.records.length });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/healthz') {
      answer(response, closing ? 503 : 200, { status: closing ? 'stopping' : 'ok', accepted: stats.accepted });
      return;
    }
    if (request.method !== 'POST') {
      reject(response, 405, 'only POST deliveries (and GET /healthz)', { allow: 'POST' });
      request.resume();
      return;
    }
    if (closing) {
      reject(response, 503, 'shutting down', { 'retry-after': '30', connection: 'close' });
      request.resume();
      return;
    }
    if (!limiter.take(request.socket.remoteAddress ?? 'unknown')) {
      reject(response, 503, 'rate limit', { 'retry-after': '1' });
      request.resume();
      return;
    }
    const entering = gate.enter();
    if (entering === undefined) {
      reject(response, 503, 'too many deliveries at once', { 'retry-after': '5' });
      request.resume();
      return;
    }
    const release = await entering;
    try {
      await deliver(request, response);
    } catch (error) {
      // Not acknowledged: Bitbucket delivers again. Only the error's class is logged (its message may quote a path).
      options.logger.error('delivery not stored', { kind: error instanceof Error ? error.name : typeof error });
      answer(response, 500, { error: 'not stored; deliver again' });
    } finally {
      release();
    }
  }

  const server = createServer((request, response) => {
    const task = handle(request, response);
    requests.add(task);
    void task.finally(() => requests.delete(task));
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;

  return {
    server,
    stats,
    gate,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shown}:${address.port}`);
        });
      });
    },
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      while (requests.size > 0) await Promise.allSettled([...requests]);
      // Every request was answered: what is left are idle keep-alive sockets, which would hold close() open.
      server.closeAllConnections();
      await closed;
      await options.dispatcher?.flush();
      await options.store.close();
    },
  };
}

/** Event keys are short `a:b_c` words; anything else is not echoed into logs. */
function safeEvent(event: string): string {
  return /^[a-z_:]{1,64}$/.test(event) ? event : 'unknown';
}
