/**
 * Retry policy: which failures are retried and how long to wait. Pure functions, so timing is
 * testable without a clock. A server-named time (`Retry-After`) is authoritative and never jittered.
 */
import type { BbsyncError } from '../errors.js';

/** The retry policy; see {@link DEFAULT_RETRY_OPTIONS}. */
export interface RetryOptions {
  /** Attempts in total, the first included. @default 6 */
  readonly maxAttempts: number;
  /** Backoff before the first retry (doubling each retry). @default 1000 */
  readonly baseDelayMs: number;
  /** Largest single backoff (a `Retry-After` may name a longer time). @default 60_000 */
  readonly maxDelayMs: number;
  /**
   * Largest total time slept on retries of one request; a retry that would go beyond it is not made
   * and the last error is thrown. @default 300_000 (5 minutes; sourcegraph retries Bitbucket about as long)
   */
  readonly maxTotalWaitMs: number;
  /** `full`: a uniform random delay in [0, backoff] (AWS "full jitter"); `none`: the backoff itself. @default 'full' */
  readonly jitter: 'full' | 'none';
}

/** Defaults: 6 attempts, 1 s doubling to at most 60 s, at most 5 minutes of sleeping per request, full jitter. */
export const DEFAULT_RETRY_OPTIONS: RetryOptions = Object.freeze({
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  maxTotalWaitMs: 300_000,
  jitter: 'full',
});

/** Fills in defaults and checks the values. */
export function retryOptions(options: Partial<RetryOptions> = {}): RetryOptions {
  const merged: RetryOptions = { ...DEFAULT_RETRY_OPTIONS, ...definedOnly(options) };
  if (!Number.isInteger(merged.maxAttempts) || merged.maxAttempts < 1) throw new RangeError('retry.maxAttempts must be an integer >= 1');
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxTotalWaitMs'] as const) {
    if (!(merged[key] >= 0)) throw new RangeError(`retry.${key} must be >= 0`);
  }
  if (merged.jitter !== 'full' && merged.jitter !== 'none') throw new RangeError("retry.jitter must be 'full' or 'none'");
  return merged;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Milliseconds to wait from a `Retry-After` header: delay-seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2026 07:28:00 GMT`), RFC 9110 §10.2.3. `undefined` when absent or unparseable;
 * a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const seconds = Number(text);
    return Number.isFinite(seconds) ? Math.ceil(seconds * 1000) : undefined;
  }
  // Only date-shaped text: Date.parse accepts too much (a bare "1" would be a year).
  if (!/[a-z]/i.test(text) || !/\d{1,2}:\d{2}/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Milliseconds to wait before retry number `attempt` (1 = the first retry). With `retryAfterMs` the
 * server decides (no jitter, no cap: the total-wait cap decides whether to wait at all); otherwise
 * exponential backoff `baseDelayMs * 2^(attempt-1)`, capped at `maxDelayMs`, with full jitter.
 */
export function retryDelay(
  attempt: number,
  options: RetryOptions,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.max(0, retryAfterMs);
  const exponent = Math.max(0, attempt - 1);
  const backoff = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(exponent, 52));
  return options.jitter === 'full' ? Math.floor(random() * backoff) : backoff;
}

/** Statuses that are answers about the request itself: retrying cannot change them. */
const NEVER_RETRIED = new Set([400, 401, 403, 404, 410]);

/**
 * Whether a failure is worth another attempt: 429, 5xx, network errors (timeouts, resets) and unusable
 * 2xx bodies (`bad_response`: often a connection cut mid-body). Never 400, 401, 403, 404 or 410.
 */
export function isRetriable(error: BbsyncError): boolean {
  if (error.status !== undefined && NEVER_RETRIED.has(error.status)) return false;
  return error.disposition === 'retriable';
}
