/**
 * The receiver's admission limits: a per-source token bucket (requests per second from one remote address)
 * and a concurrency gate (deliveries processed at once, with a bounded wait queue). Both answer "no" at once
 * rather than buffering without bound; the receiver answers 503 with `Retry-After` for both: Bitbucket Cloud
 * resends a delivery only after a 5xx ("up to two more times"; a 429 would not be retried), and Data Center
 * does not resend at all, so the scheduled sync remains the reconciler either way.
 */
import type { Clock } from '@bbsync/core';

export class SourceRateLimiter {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  /** Buckets kept at most; the least recently used are forgotten (a full bucket is the default anyway). */
  readonly #maxSources = 10_000;

  constructor(perSecond: number, burst: number, clock: Clock) {
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#clock = clock;
  }

  /** Takes one token for `source`; false when its bucket is empty. */
  take(source: string): boolean {
    const now = this.#clock.now();
    const bucket = this.#buckets.get(source) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#perSecond);
    bucket.at = now;
    this.#buckets.delete(source);
    this.#buckets.set(source, bucket);
    if (this.#buckets.size > this.#maxSources) this.#buckets.delete(this.#buckets.keys().next().value as string);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

export class ConcurrencyGate {
  readonly #limit: number;
  readonly #maxQueue: number;
  readonly #waiting: (() => void)[] = [];
  #active = 0;
  /** The most deliveries ever processed at once (for tests and the benchmark). */
  peak = 0;

  constructor(limit: number, maxQueue: number) {
    this.#limit = limit;
    this.#maxQueue = maxQueue;
  }

  get active(): number {
    return this.#active;
  }

  /** A release function once a slot is free, or undefined at once when the queue is full. */
  enter(): Promise<() => void> | undefined {
    if (this.#active < this.#limit) return Promise.resolve(this.#grant());
    if (this.#waiting.length >= this.#maxQueue) return undefined;
    return new Promise((resolve) => this.#waiting.push(() => resolve(this.#grant())));
  }

  #grant(): () => void {
    this.#active += 1;
    this.peak = Math.max(this.peak, this.#active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active -= 1;
      this.#waiting.shift()?.();
    };
  }
}
