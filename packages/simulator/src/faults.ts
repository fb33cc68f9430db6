/**
 * API-agnostic, seeded, reproducible fault injection around a SimHandler (used by the Cloud and the Data
 * Center APIs alike).
 *
 * Reproducible: each decision is a pure function of (seed, fault kind, request key, occurrence), where the
 * request key is method + path + query and occurrence counts identical requests. The same sequence of
 * requests therefore meets the same faults, whatever else runs concurrently, and a retry of a failed
 * request (the next occurrence) draws again.
 */
import type { SimFaults } from './api.js';
import type { SimHandler, SimRequest, SimResponse } from './server.js';

/** What the injector decided for one request (exported for tests and API-specific faults). */
export type FaultKind = 'reset' | 'stall' | 'serverError' | 'htmlError' | 'rateLimit' | 'truncate' | 'malformedJson';

export interface FaultHooks {
  /** The body of an injected 5xx (the API's own error shape). @default a JSON `{"error":...}` body */
  serverError?(status: number): SimResponse;
  /** The injected 429 (the API's own shape). @default Cloud's 46-byte text/plain body */
  rateLimited?(retryAfter: boolean): SimResponse;
}

/** The 429 body Bitbucket Cloud sends: 46 bytes of text/plain, not JSON. */
export const CLOUD_RATE_LIMIT_BODY = 'Rate limit for this resource has been exceeded';

const DEFAULT_STALL_MS = 30_000;

/** A seeded decision source: `unit(kind, key, occurrence)` is uniform in [0, 1). */
export class FaultDice {
  readonly #seed: number;
  readonly #occurrences = new Map<string, number>();

  constructor(seed: number) {
    this.#seed = seed >>> 0;
  }

  /** Counts this request and returns its occurrence number (0 for the first time it is seen). */
  occurrence(key: string): number {
    const n = this.#occurrences.get(key) ?? 0;
    this.#occurrences.set(key, n + 1);
    return n;
  }

  unit(kind: string, key: string, occurrence: number): number {
    let h = (this.#seed ^ 0x85ebca6b) >>> 0;
    const text = `${kind}\u0000${key}\u0000${occurrence}`;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return (h >>> 0) / 4294967296;
  }
}

/** The request key used for fault decisions. */
export function requestKey(request: SimRequest): string {
  return `${request.method} ${request.url.pathname}${request.url.search}`;
}

/**
 * Wraps `handler` so a fraction of requests fail the ways real networks and proxies fail. `faults` may be a
 * function, so faults can be switched on and off while the simulator runs.
 */
export function withFaults(handler: SimHandler, faults: SimFaults | undefined | (() => SimFaults | undefined), hooks: FaultHooks = {}): SimHandler {
  const current = typeof faults === 'function' ? faults : () => faults;
  let dice: FaultDice | undefined;
  let diceSeed: number | undefined;
  return async (request) => {
    const f = current();
    if (!f || !hasAnyFault(f)) return handler(request);
    const seed = f.seed ?? 1;
    if (!dice || diceSeed !== seed) {
      dice = new FaultDice(seed);
      diceSeed = seed;
    }
    const key = requestKey(request);
    const n = dice.occurrence(key);
    const roll = (kind: FaultKind | 'latency' | 'status'): number => (dice as FaultDice).unit(kind, key, n);
    const latency = latencyOf(f, roll('latency'));
    const withLatency = (response: SimResponse): SimResponse => (latency > 0 ? { ...response, delayMs: (response.delayMs ?? 0) + latency } : response);

    if (roll('reset') < (f.resetRate ?? 0)) return withLatency({ status: 0, reset: true });
    if (roll('serverError') < (f.serverErrorRate ?? 0)) {
      const status = [500, 502, 503, 504][Math.floor(roll('status') * 4)] ?? 500;
      return withLatency(hooks.serverError ? hooks.serverError(status) : defaultServerError(status));
    }
    if (roll('htmlError') < (f.htmlErrorRate ?? 0)) return withLatency(htmlErrorPage(roll('status') < 0.5 ? 502 : 503));
    if (roll('rateLimit') < (f.rateLimitRate ?? 0)) {
      const retryAfter = f.retryAfter ?? false;
      return withLatency(hooks.rateLimited ? hooks.rateLimited(retryAfter) : cloudRateLimited(retryAfter, 1));
    }
    let response = await handler(request);
    if (roll('stall') < (f.stallRate ?? 0)) response = { ...response, delayMs: (response.delayMs ?? 0) + (f.stallMs ?? DEFAULT_STALL_MS) };
    if (response.status >= 200 && response.status < 300 && response.body !== undefined) {
      if (roll('truncate') < (f.truncateRate ?? 0)) {
        const payload = toBuffer(response);
        if (payload.length > 1) response = { ...response, body: payload, truncateAt: Math.floor(payload.length * (0.1 + 0.8 * roll('status'))) };
      } else if (roll('malformedJson') < (f.malformedJsonRate ?? 0)) {
        response = { ...response, body: malform(toBuffer(response)) };
      }
    }
    return withLatency(response);
  };
}

function hasAnyFault(f: SimFaults): boolean {
  return Boolean(
    f.latencyMs || f.serverErrorRate || f.resetRate || f.stallRate || f.truncateRate || f.malformedJsonRate || f.htmlErrorRate || f.rateLimitRate,
  );
}

function latencyOf(f: SimFaults, unit: number): number {
  const l = f.latencyMs;
  if (l === undefined) return 0;
  if (typeof l === 'number') return Math.max(0, l);
  return Math.max(0, Math.round(l.min + (l.max - l.min) * unit));
}

/** The body as bytes, the way the server would serialize it. */
function toBuffer(response: SimResponse): Buffer {
  const body = response.body;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  return Buffer.from(JSON.stringify(body));
}

/** Valid-looking JSON that does not parse: the tail is replaced by a dangling member. */
function malform(payload: Buffer): Buffer {
  const text = payload.toString('utf8');
  const cut = Math.max(1, Math.floor(text.length * 0.7));
  return Buffer.from(`${text.slice(0, cut)},"\u0000`, 'utf8');
}

function defaultServerError(status: number): SimResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: { type: 'error', error: { message: 'Internal Server Error' } } };
}

/** An HTML error page as a reverse proxy (nginx, a load balancer) would send it. */
export function htmlErrorPage(status: 502 | 503): SimResponse {
  const title = status === 502 ? '502 Bad Gateway' : '503 Service Temporarily Unavailable';
  return {
    status,
    headers: { 'content-type': 'text/html' },
    body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`,
  };
}

/** Bitbucket Cloud's 429: text/plain, 46 bytes, with or without Retry-After (seconds). */
export function cloudRateLimited(retryAfter: boolean, retryAfterSeconds: number, extraHeaders: Record<string, string> = {}): SimResponse {
  const headers: Record<string, string> = { 'content-type': 'text/plain', ...extraHeaders };
  if (retryAfter) headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  return { status: 429, headers, body: CLOUD_RATE_LIMIT_BODY };
}
