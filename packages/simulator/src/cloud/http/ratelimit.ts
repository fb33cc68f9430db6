/**
 * Cloud rate limits: a rolling hour per identity ("access token: that token", "user and app password / API
 * token: that user"), per resource group. Time is the simulated clock plus wall time elapsed, so both
 * `advance()` and a client that really waits get the window to roll; `windowScale` shrinks the hour.
 */
export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly used: number;
  /** Seconds until the oldest counted request leaves the window. */
  readonly retryAfterSeconds: number;
}

export class RollingWindowLimiter {
  readonly #hits = new Map<string, number[]>();
  readonly #now: () => number;
  perHour: number;
  windowMs: number;

  constructor(perHour: number, windowScale: number, now: () => number) {
    this.perHour = perHour;
    this.windowMs = 3_600_000 * windowScale;
    this.#now = now;
  }

  /** Counts a request if under the limit. */
  take(key: string): RateDecision {
    const now = this.#now();
    const hits = this.#hits.get(key) ?? [];
    let drop = 0;
    while (drop < hits.length && (hits[drop] as number) <= now - this.windowMs) drop++;
    if (drop > 0) hits.splice(0, drop);
    this.#hits.set(key, hits);
    if (hits.length >= this.perHour) {
      const oldest = hits[0] as number;
      return { allowed: false, limit: this.perHour, used: hits.length, retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000)) };
    }
    hits.push(now);
    return { allowed: true, limit: this.perHour, used: hits.length, retryAfterSeconds: 0 };
  }

  reset(): void {
    this.#hits.clear();
  }
}
