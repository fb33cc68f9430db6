/**
 * A fake {@link Transport} that answers from an in-memory Bitbucket-like server, injects transient
 * failures at chosen pages, and records every request, so tests run the real client and paginators.
 */
import { BbsyncError } from '../../errors.js';
import type { Transport, TransportRequest, TransportResponse } from '../../http/types.js';

/** Transient failures a real API or network produces, all of which the client retries. */
export const FAILURE_KINDS = [
  'rate_limited_retry_after',
  'rate_limited',
  'server_error_500',
  'server_error_502',
  'server_error_503',
  'connection_reset',
  'truncated_body',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** What a fake server answers for one request. `page` is the listing page it serves, when it is one. */
export interface ServerAnswer {
  readonly status: number;
  readonly json: unknown;
  readonly page?: number | undefined;
}

/** The in-memory API behind the transport. */
export interface FakeServer {
  /** Answers a request whose origin is the API's (others never reach the server). */
  answer(url: URL, request: TransportRequest): ServerAnswer;
}

export class FakeTransport implements Transport {
  /** Every request that reached the transport, in order, including ones to a foreign origin. */
  readonly received: TransportRequest[] = [];
  /** Complete 2xx page answers (truncated bodies and injected failures do not count). */
  successfulPages = 0;
  /** Requests whose origin was not the API's. */
  foreign = 0;
  /** Failures injected (each should cost exactly one retry). */
  injected = 0;
  readonly #attempts = new Map<number, number>();

  constructor(
    private readonly origin: string,
    private readonly server: FakeServer,
    /** Failures to inject on the first attempts of each page index. */
    private readonly failures: ReadonlyMap<number, readonly FailureKind[]> = new Map(),
  ) {}

  async send(request: TransportRequest): Promise<TransportResponse> {
    this.received.push(request);
    if (request.url.origin !== this.origin) {
      this.foreign++;
      return json(404, { error: 'foreign origin' });
    }
    const answer = this.server.answer(request.url, request);
    if (answer.page !== undefined) {
      const attempt = this.#attempts.get(answer.page) ?? 0;
      this.#attempts.set(answer.page, attempt + 1);
      const failure = this.failures.get(answer.page)?.[attempt];
      if (failure !== undefined) {
        this.injected++;
        return injected(failure, answer);
      }
    }
    if (answer.page !== undefined && answer.status >= 200 && answer.status < 300) this.successfulPages++;
    return json(answer.status, answer.json);
  }

  async close(): Promise<void> {}

  /** The URLs requested, as sent. */
  urls(): string[] {
    return this.received.map((request) => request.url.href);
  }
}

function injected(kind: FailureKind, answer: ServerAnswer): TransportResponse {
  switch (kind) {
    case 'rate_limited_retry_after':
      // Cloud sends 429 bodies as text/plain.
      return text(429, 'Rate limit for this resource has been exceeded', { 'retry-after': '7' });
    case 'rate_limited':
      return text(429, 'Rate limit for this resource has been exceeded');
    case 'server_error_500':
      return json(500, { type: 'error', error: { message: 'Something went wrong' } });
    case 'server_error_502':
      return text(502, '<html><body>Bad Gateway</body></html>', { 'content-type': 'text/html' });
    case 'server_error_503':
      return text(503, 'Service Unavailable');
    case 'connection_reset':
      throw new BbsyncError('network_error', 'read ECONNRESET', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    case 'truncated_body': {
      // A prefix of a JSON object is never valid JSON: the connection dropped mid-body.
      const full = Buffer.from(JSON.stringify(answer.json));
      return {
        status: answer.status,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: full.subarray(0, Math.floor(full.length / 2)),
      };
    }
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): TransportResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: Buffer.from(JSON.stringify(body)),
  };
}

function text(status: number, body: string, headers: Record<string, string> = {}): TransportResponse {
  return { status, headers: { 'content-type': 'text/plain', ...headers }, body: Buffer.from(body) };
}
