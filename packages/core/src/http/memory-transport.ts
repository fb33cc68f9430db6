/**
 * A {@link Transport} that answers from memory, for tests of anything built on the API client
 * (paginators, streams): it records every request it receives and answers with a handler.
 */
import type { Transport, TransportRequest, TransportResponse } from './types.js';

/** A handler's answer: a full response, or a shorthand `{ status, json }` / `{ status, text }`. */
export type MemoryAnswer =
  | TransportResponse
  | {
      readonly status: number;
      readonly json?: unknown;
      readonly text?: string | undefined;
      readonly headers?: Readonly<Record<string, string | undefined>> | undefined;
    };

/** Answers the `index`-th request (0-based); may throw a BbsyncError to simulate a network failure. */
export type MemoryHandler = (request: TransportRequest, index: number) => MemoryAnswer | Promise<MemoryAnswer>;

/** Records requests (with their headers, so tests can check credentials went where they should). */
export class MemoryTransport implements Transport {
  readonly requests: TransportRequest[] = [];
  closed = false;
  readonly #handler: MemoryHandler;

  constructor(handler: MemoryHandler) {
    this.#handler = handler;
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const index = this.requests.length;
    this.requests.push(request);
    return toResponse(await this.#handler(request, index));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Builds a response: JSON bodies get `content-type: application/json`, text `text/plain`. */
export function toResponse(answer: MemoryAnswer): TransportResponse {
  if ('body' in answer && Buffer.isBuffer(answer.body)) return answer as TransportResponse;
  const shorthand = answer as Exclude<MemoryAnswer, TransportResponse>;
  const headers: Record<string, string | undefined> = {};
  let body = Buffer.alloc(0);
  if (shorthand.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = Buffer.from(JSON.stringify(shorthand.json), 'utf8');
  } else if (shorthand.text !== undefined) {
    headers['content-type'] = 'text/plain';
    body = Buffer.from(shorthand.text, 'utf8');
  }
  for (const [name, value] of Object.entries(shorthand.headers ?? {})) headers[name.toLowerCase()] = value;
  return { status: shorthand.status, headers, body };
}
