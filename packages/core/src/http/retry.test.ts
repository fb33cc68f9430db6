import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BbsyncError } from '../errors.js';
import { DEFAULT_RETRY_OPTIONS, isRetriable, parseRetryAfter, retryDelay, retryOptions } from './retry.js';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('parseRetryAfter', () => {
  it.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['120', 120_000],
    [' 3 ', 3000],
    ['0', 0],
    ['1.5', 1500],
    ['-5', undefined],
    ['soon', undefined],
    ['Thu, 01 Jan 2026 12:00:30 GMT', 30_000],
    ['Thu, 01 Jan 2026 11:59:00 GMT', 0],
    ['Thursday, 01-Jan-26 12:01:00 GMT', 60_000],
    ['2026', 2_026_000],
    ['Jan 2026', undefined],
  ])('%j -> %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('retryDelay', () => {
  const options = retryOptions({ jitter: 'none' });

  it('has the documented defaults', () => {
    expect(DEFAULT_RETRY_OPTIONS).toEqual({ maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 60_000, maxTotalWaitMs: 300_000, jitter: 'full' });
  });

  it('doubles from baseDelayMs up to maxDelayMs', () => {
    expect([1, 2, 3, 4, 7, 8, 60].map((attempt) => retryDelay(attempt, options))).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000, 60_000]);
  });

  it('uses Retry-After as is: no jitter, no cap', () => {
    const jittered = retryOptions();
    expect(retryDelay(1, jittered, 7000, () => 0)).toBe(7000);
    expect(retryDelay(1, jittered, 120_000, () => 0.1)).toBe(120_000);
  });

  it('property: full jitter stays within [0, backoff]', () => {
    const jittered = retryOptions();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, random) => {
        const delay = retryDelay(attempt, jittered, undefined, () => random);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(60_000, 1000 * 2 ** (attempt - 1)));
      }),
      { numRuns },
    );
  });

  it('validates options', () => {
    expect(() => retryOptions({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => retryOptions({ baseDelayMs: -1 })).toThrow(RangeError);
    expect(retryOptions({ maxAttempts: undefined }).maxAttempts).toBe(6);
  });
});

describe('isRetriable', () => {
  it.each<[BbsyncError, boolean]>([
    [new BbsyncError('rate_limited', 'x', { status: 429 }), true],
    [new BbsyncError('server_error', 'x', { status: 502 }), true],
    [new BbsyncError('network_error', 'x'), true],
    [new BbsyncError('bad_response', 'truncated', { status: 200 }), true],
    [new BbsyncError('bad_response', 'x', { status: 400, disposition: 'fatal' }), false],
    [new BbsyncError('bad_response', 'x', { status: 400 }), false],
    [new BbsyncError('invalid_credentials', 'x', { status: 401 }), false],
    [new BbsyncError('invalid_permissions', 'x', { status: 403 }), false],
    [new BbsyncError('not_found', 'x', { status: 404 }), false],
    [new BbsyncError('not_found', 'x', { status: 410 }), false],
    [new BbsyncError('pagination_error', 'x'), false],
    [new BbsyncError('cancelled', 'x'), false],
    [new BbsyncError('budget_exhausted', 'x'), false],
  ])('%s -> %s', (error, expected) => {
    expect(isRetriable(error)).toBe(expected);
  });
});
