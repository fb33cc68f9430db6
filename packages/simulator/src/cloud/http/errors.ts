/** Bitbucket Cloud's error envelope: `{"type":"error","error":{"message":...,"detail"?,"data"?}}`. */
import type { SimResponse } from '../../server.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

export function cloudError(status: number, message: string, extra: { detail?: string; data?: Record<string, unknown>; fields?: Record<string, string[]> } = {}, headers: Record<string, string> = {}): SimResponse {
  return {
    status,
    headers: { 'content-type': JSON_TYPE, ...headers },
    body: { type: 'error', error: { message, ...extra } },
  };
}

/** A 200 JSON answer. */
export function ok(body: unknown, status = 200, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body };
}

/** Thrown by handlers to answer with an error right away. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly response: SimResponse;
  constructor(response: SimResponse) {
    super(`HTTP ${response.status}`);
    this.response = response;
  }
}

export function fail(status: number, message: string, extra: Parameters<typeof cloudError>[2] = {}): never {
  throw new HttpError(cloudError(status, message, extra));
}
