/**
 * DC's opt-in per-user token bucket: each authenticated request costs one token; an empty bucket answers 429 with
 * Retry-After (seen by a Jenkins contributor, jenkinsci/bitbucket-branch-source-plugin#269). Defaults on a real
 * instance are capacity 60, refill 5/s [doc].
 *
 * Time: the bucket refills with the simulated clock plus the real time elapsed since the simulator started, so a
 * client that honours Retry-After by really sleeping gets its tokens back, and a test can refill buckets instantly
 * by advancing the SimClock instead of sleeping.
 */
import type { SimClock } from '../clock.js';

export interface BucketConfig {
  readonly capacity: number;
  readonly fillPerSecond: number;
}

export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #realStart: number;

  constructor(
    private readonly config: BucketConfig,
    private readonly clock: SimClock,
    private readonly realNow: () => number = () => performance.now(),
  ) {
    this.#realStart = realNow();
  }

  /** Effective "now" in ms: simulated time plus real elapsed time. */
  #now(): number {
    return this.clock.now() + (this.realNow() - this.#realStart);
  }

  /** Takes one token from `identity`'s bucket. */
  take(identity: string): TakeResult {
    const now = this.#now();
    const bucket = this.#buckets.get(identity) ?? { tokens: this.config.capacity, at: now };
    bucket.tokens = Math.min(this.config.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.config.fillPerSecond);
    bucket.at = now;
    this.#buckets.set(identity, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    const seconds = this.config.fillPerSecond > 0 ? Math.ceil((1 - bucket.tokens) / this.config.fillPerSecond) : 60;
    return { ok: false, retryAfterSeconds: Math.max(1, seconds) };
  }

  reset(): void {
    this.#buckets.clear();
  }
}
