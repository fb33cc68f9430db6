/**
 * The production transport, on undici: one shared keep-alive Agent (as many sockets per origin as requests in flight),
 * connect/headers/body idle timeouts and a total deadline per request, a response size cap enforced while streaming, gzip/deflate/br decoding,
 * and no redirect following (undici's `request` never follows; a 3xx comes back as is and the client
 * refuses it, so credentials can only reach the configured origin).
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { Agent } from 'undici';
import { BbsyncError } from '../errors.js';
import { safePath } from './redact.js';
import type { Transport, TransportRequest, TransportResponse } from './types.js';

/** Options of {@link createUndiciTransport}; every timeout is in milliseconds. */
export interface UndiciTransportOptions {
  /**
   * Most sockets per origin (Agent `connections`). @default no cap of its own: the API client's concurrency
   * (its semaphore, the one concurrency limiter) bounds the requests in flight, hence the sockets. A cap below
   * the client's concurrency would queue requests behind busy sockets and cut the effective concurrency.
   */
  readonly connections?: number | undefined;
  /** TCP + TLS connect timeout. @default 10_000 */
  readonly connectTimeoutMs?: number | undefined;
  /** Time to receive the response headers. @default 30_000 */
  readonly headersTimeoutMs?: number | undefined;
  /** Longest silence between two body chunks. @default 30_000 */
  readonly bodyTimeoutMs?: number | undefined;
  /**
   * Longest time one request may take in total, from sending it to the last byte of its body. The idle
   * timeouts above only bound the silence between two chunks: a server trickling a byte every few seconds
   * would otherwise hold a request (and the run) open indefinitely. A request past it is `network_error`,
   * not retried (a server that slow is not helped by asking again; the partition fails and the next run
   * retries it). @default 300_000 (5 minutes, far above any Bitbucket page)
   */
  readonly requestTimeoutMs?: number | undefined;
  /** How long an idle socket is kept open. @default 30_000 */
  readonly keepAliveTimeoutMs?: number | undefined;
  /**
   * Extra trusted CA certificates (a corporate or self-signed Data Center CA): PEM text, or a path to a
   * PEM file, or several of those. They are added to Node's bundled roots, not substituted for them.
   * There is deliberately no option to disable TLS verification.
   */
  readonly ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
  /** Largest response body, compressed or decoded; a larger one is `bad_response`. @default 67_108_864 (64 MiB) */
  readonly maxResponseBytes?: number | undefined;
}

/** Socket counts of the transport's Agent, per origin (undici `PoolStats`). */
export interface TransportStats {
  /** Open sockets over all origins. */
  connected: number;
  origins: Record<string, { connected: number; free: number; pending: number; queued: number; running: number; size: number }>;
}

/** The undici transport, with socket statistics (for load tests and reports). */
export interface UndiciTransport extends Transport {
  stats(): TransportStats;
}

/** Default response size cap: 64 MiB, far above any Bitbucket page, far below memory trouble. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Default total deadline of one request: 5 minutes. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;

const NETWORK_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

/** TLS verification failures: retrying cannot help, the configuration must change. */
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_NOT_YET_VALID',
]);

/** Reads `ca` entries: PEM text is used as is, anything else is a file path. */
export function loadCa(ca: UndiciTransportOptions['ca']): string[] | undefined {
  if (ca === undefined) return undefined;
  const entries = Array.isArray(ca) ? (ca as readonly (string | Buffer)[]) : [ca as string | Buffer];
  const extra = entries.map((entry) => {
    const text = Buffer.isBuffer(entry) ? entry.toString('utf8') : entry;
    if (text.includes('-----BEGIN')) return text;
    try {
      return readFileSync(text, 'utf8');
    } catch (error) {
      throw new BbsyncError('config_error', `ca: cannot read the CA file ${text}`, {
        field: 'ca',
        hint: 'Set ca to PEM text or the path of a readable PEM file.',
        cause: error,
      });
    }
  });
  return [...rootCertificates, ...extra];
}

const decoders: Record<string, (buffer: Buffer, options: zlib.ZlibOptions & zlib.BrotliOptions) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};
const inflateRaw = promisify(zlib.inflateRaw);

/** Creates the undici transport. Call `close()` when done so the keep-alive sockets are closed. */
export function createUndiciTransport(options: UndiciTransportOptions = {}): UndiciTransport {
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!(Number.isFinite(requestTimeoutMs) && requestTimeoutMs > 0)) {
    throw new BbsyncError('config_error', `requestTimeoutMs: ${String(requestTimeoutMs)} is not a positive number of milliseconds`, {
      field: 'requestTimeoutMs',
      hint: 'Set requestTimeoutMs to a positive number of milliseconds.',
    });
  }
  const ca = loadCa(options.ca);
  const agent = new Agent({
    ...(options.connections === undefined ? {} : { connections: options.connections }),
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    headersTimeout: options.headersTimeoutMs ?? 30_000,
    bodyTimeout: options.bodyTimeoutMs ?? 30_000,
    connect: { timeout: options.connectTimeoutMs ?? 10_000, ...(ca === undefined ? {} : { ca }) },
  });

  async function send(request: TransportRequest): Promise<TransportResponse> {
    // One signal for the caller's abort and the total deadline: undici stops reading the body on either.
    // A timer of our own (cleared at the end) rather than AbortSignal.timeout, which would keep a timer and
    // its signal alive for the whole deadline after every request.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, requestTimeoutMs);
    timer.unref?.();
    const forwardAbort = () => controller.abort(request.signal?.reason);
    if (request.signal?.aborted) forwardAbort();
    else request.signal?.addEventListener('abort', forwardAbort, { once: true });
    try {
      return await receive(request, controller.signal, () => timedOut);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', forwardAbort);
    }
  }

  async function receive(request: TransportRequest, signal: AbortSignal, timedOut: () => boolean): Promise<TransportResponse> {
    const path = safePath(request.url);
    const fail = (error: unknown): BbsyncError =>
      timedOut() && !(error instanceof BbsyncError) && request.signal?.aborted !== true
        ? deadlineExceeded(request.method, path, requestTimeoutMs, error)
        : mapTransportError(error, request.method, path, request.signal);
    const headers: Record<string, string> = { 'accept-encoding': 'gzip', ...request.headers };
    let response;
    try {
      response = await agent.request({
        origin: request.url.origin,
        path: `${request.url.pathname}${request.url.search}`,
        method: request.method as 'GET',
        headers,
        body: request.body,
        signal,
      });
    } catch (error) {
      throw fail(error);
    }
    const responseHeaders = flattenHeaders(response.headers);
    const declared = Number(responseHeaders['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.body.destroy();
      throw tooLarge(request.method, path, response.statusCode, maxBytes);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        const buffer = chunk as Buffer;
        size += buffer.length;
        if (size > maxBytes) {
          response.body.destroy();
          throw tooLarge(request.method, path, response.statusCode, maxBytes);
        }
        chunks.push(buffer);
      }
    } catch (error) {
      throw fail(error);
    }
    const raw = Buffer.concat(chunks, size);
    const body = await decode(raw, responseHeaders['content-encoding'], maxBytes, request.method, path, response.statusCode);
    return { status: response.statusCode, headers: responseHeaders, body };
  }

  return {
    send,
    close: () => agent.close(),
    stats: () => {
      const origins: TransportStats['origins'] = {};
      let connected = 0;
      for (const [origin, stats] of Object.entries(agent.stats)) {
        const s = stats as unknown as Partial<Record<'connected' | 'free' | 'pending' | 'queued' | 'running' | 'size', number | boolean>>;
        const entry = {
          connected: Number(s.connected ?? 0),
          free: Number(s.free ?? 0),
          pending: Number(s.pending ?? 0),
          queued: Number(s.queued ?? 0),
          running: Number(s.running ?? 0),
          size: Number(s.size ?? 0),
        };
        origins[origin] = entry;
        connected += entry.connected;
      }
      return { connected, origins };
    },
  };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

async function decode(
  raw: Buffer,
  encoding: string | undefined,
  maxBytes: number,
  method: string,
  path: string,
  status: number,
): Promise<Buffer> {
  if (encoding === undefined || raw.length === 0) return raw;
  let body = raw;
  // Codings are listed in the order applied; undo them in reverse.
  const codings = encoding.split(',').map((coding) => coding.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  for (const coding of codings.reverse()) {
    const decoder = decoders[coding];
    if (decoder === undefined) {
      throw new BbsyncError('bad_response', `HTTP ${status} on ${method} ${path}: unsupported content-encoding "${coding}"`, { status, method, path });
    }
    try {
      body = await decoder(body, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        throw tooLarge(method, path, status, maxBytes);
      }
      if (coding === 'deflate') {
        // Some servers send raw deflate without the zlib wrapper.
        try {
          body = await inflateRaw(body, { maxOutputLength: maxBytes });
          continue;
        } catch {
          // fall through to the error below
        }
      }
      throw new BbsyncError('bad_response', `HTTP ${status} on ${method} ${path}: the ${coding} body could not be decoded (truncated?)`, {
        status,
        method,
        path,
        cause: error,
      });
    }
  }
  return body;
}

function deadlineExceeded(method: string, path: string, timeoutMs: number, cause: unknown): BbsyncError {
  return new BbsyncError('network_error', `${method} ${path}: no complete response within ${timeoutMs} ms (request deadline, requestTimeoutMs)`, {
    method,
    path,
    cause,
    disposition: 'skippable',
    hint: 'The server answers too slowly (or trickles its body); this partition is retried on the next run. Raise requestTimeoutMs only if such slow answers are expected.',
  });
}

function tooLarge(method: string, path: string, status: number, maxBytes: number): BbsyncError {
  return new BbsyncError('bad_response', `HTTP ${status} on ${method} ${path}: the response body is larger than ${maxBytes} bytes`, {
    status,
    method,
    path,
    disposition: 'fatal',
    hint: 'Raise maxResponseBytes if this response is legitimately large; otherwise the server (or a proxy) is misbehaving.',
  });
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps an undici or socket error to `network_error` (or `cancelled` when the caller aborted). */
export function mapTransportError(error: unknown, method: string, path: string, signal?: AbortSignal): BbsyncError {
  if (error instanceof BbsyncError) return error;
  if (signal?.aborted || (error as { name?: string } | undefined)?.name === 'AbortError') {
    return new BbsyncError('cancelled', `${method} ${path} was cancelled`, { method, path, cause: error });
  }
  const code = errorCode(error) ?? 'UNKNOWN';
  if (TLS_CODES.has(code)) {
    return new BbsyncError('network_error', `${method} ${path}: TLS verification failed (${code})`, {
      method,
      path,
      cause: error,
      disposition: 'fatal',
      hint: 'The server certificate is not trusted: pass its CA with the `ca` option (PEM text or file path).',
    });
  }
  const what = NETWORK_CODES.has(code) ? describe(code) : `request failed (${code})`;
  return new BbsyncError('network_error', `${method} ${path}: ${what}`, { method, path, cause: error });
}

function describe(code: string): string {
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect timeout (UND_ERR_CONNECT_TIMEOUT)';
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'no response headers in time (UND_ERR_HEADERS_TIMEOUT)';
    case 'UND_ERR_BODY_TIMEOUT':
      return 'response body stalled (UND_ERR_BODY_TIMEOUT)';
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host name not resolved (${code})`;
    default:
      return `connection failed (${code})`;
  }
}
