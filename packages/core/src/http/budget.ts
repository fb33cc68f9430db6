/**
 * Rate-limit budgets, one per identity (see {@link Credential.identity}).
 *
 * - Bitbucket Cloud: "Limits are a one-hour rolling window", counted per user for Basic credentials and
 *   per token for access tokens; 1,000/h for `/2.0/repositories/*` (scaled up to 10,000/h for access
 *   tokens, announced by `X-RateLimit-Limit`). https://support.atlassian.com/bitbucket-cloud/docs/api-request-limits/
 * - Bitbucket Data Center: an opt-in per-user token bucket, "bucket size 60, refill 5 tokens/s" by default.
 *   https://confluence.atlassian.com/bitbucketserver086/improving-instance-stability-with-rate-limiting-1188783544.html
 */
import type { Budget, BudgetFactory, Credential } from './types.js';

const HOUR_MS = 3_600_000;

function header(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  return headers[name] ?? headers[name.toLowerCase()];
}

/** Options of {@link RollingWindowBudget}. */
export interface RollingWindowBudgetOptions {
  /** Requests allowed per window. @default 1000 */
  readonly limit?: number | undefined;
  /** True when `limit` was set by the user: a learned `X-RateLimit-Limit` may then only lower it. @default false */
  readonly limitIsCap?: boolean | undefined;
  /** Window length. @default 3_600_000 (one hour) */
  readonly windowMs?: number | undefined;
  /**
   * Extra time a request is counted beyond the window, so that clock skew and latency between our
   * count and the server's never let a request slip into a full window. @default 1000
   */
  readonly marginMs?: number | undefined;
}

/**
 * Bitbucket Cloud's budget: at most `limit` requests in any rolling window. Keeps the timestamps of the
 * requests still inside the window (about `limit` numbers), so counting is exact.
 */
export class RollingWindowBudget implements Budget {
  #limit: number;
  #cap: number | undefined;
  readonly #windowMs: number;
  /** Timestamps of requests still counted, oldest first, from `#head` on (a deque; compacted as it drains). */
  #times: number[] = [];
  #head = 0;
  #coolDownUntil = 0;
  #nearLimit = false;
  #lastTake = Number.NEGATIVE_INFINITY;

  constructor(options: RollingWindowBudgetOptions = {}) {
    const limit = options.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    this.#limit = limit;
    this.#cap = options.limitIsCap ? limit : undefined;
    this.#windowMs = (options.windowMs ?? HOUR_MS) + (options.marginMs ?? 1000);
  }

  /** The current limit per window (configured, or learned from `X-RateLimit-Limit`). */
  get limit(): number {
    return this.#limit;
  }

  /** True while the server says the identity is near its limit (`X-RateLimit-NearLimit: true`). */
  get nearLimit(): boolean {
    return this.#nearLimit;
  }

  /** Requests counted in the window ending at `now`. */
  used(now: number): number {
    this.#expire(now);
    return this.#times.length - this.#head;
  }

  /** Lowers the limit to at most `limit` (a user-configured `requestsPerHour` for a shared identity). */
  capAt(limit: number): void {
    this.#cap = this.#cap === undefined ? limit : Math.min(this.#cap, limit);
    this.#limit = Math.min(this.#limit, this.#cap);
  }

  available(now: number): number {
    if (now < this.#coolDownUntil) return 0;
    return Math.max(0, this.#limit - this.used(now));
  }

  waitTime(now: number): number {
    this.#expire(now);
    // Each constraint (cooldown, a full window, near-limit pacing) can only ease as time passes, but waiting out
    // one can land inside another (a full window clears just as pacing starts): advance until all are met, so a
    // caller that waits exactly `waitTime` finds 0 next time.
    let at = now;
    for (let step = 0; step < 8; step++) {
      const wait = this.#waitAt(at);
      if (wait <= 0) break;
      at += wait;
    }
    return Math.max(0, Math.ceil(at - now));
  }

  /** The wait at time `at` (>= the last expiry), without changing the window. */
  #waitAt(at: number): number {
    let first = this.#head;
    while (first < this.#times.length && (this.#times[first] as number) + this.#windowMs <= at) first++;
    const used = this.#times.length - first;
    let wait = Math.max(0, this.#coolDownUntil - at);
    if (used >= this.#limit) {
      // The request that must leave the window before one more fits.
      const oldest = this.#times[first + used - this.#limit] as number;
      wait = Math.max(wait, oldest + this.#windowMs - at);
    } else if (this.#nearLimit) {
      wait = Math.max(wait, this.#lastTake + this.#paceInterval(at, used, first) - at);
    }
    return wait;
  }

  take(now: number): void {
    this.#expire(now);
    this.#times.push(now);
    this.#lastTake = Math.max(this.#lastTake, now);
  }

  observe(headers: Readonly<Record<string, string | undefined>>, _now: number): void {
    const limit = Number(header(headers, 'x-ratelimit-limit'));
    if (Number.isInteger(limit) && limit > 0) {
      // "X-RateLimit-Limit: total per hour, not the remaining" (scaled rate limits announcement).
      this.#limit = this.#cap === undefined ? limit : Math.min(limit, this.#cap);
    }
    const near = header(headers, 'x-ratelimit-nearlimit');
    // The threshold behind NearLimit is undocumented; clients treat "true" as "slow down".
    if (near !== undefined) this.#nearLimit = near.trim().toLowerCase() === 'true';
  }

  coolDown(until: number): void {
    this.#coolDownUntil = Math.max(this.#coolDownUntil, until);
  }

  /**
   * Near the limit, spread what is left over the rest of the window: the time until the oldest counted
   * request leaves it, divided by the requests left; never faster than the steady rate `window / limit`
   * (the server may count requests made by other tools with the same identity).
   */
  #paceInterval(now: number, used: number, first: number): number {
    const steady = this.#windowMs / this.#limit;
    if (used === 0) return steady;
    const rest = (this.#times[first] as number) + this.#windowMs - now;
    return Math.max(steady, rest / Math.max(1, this.#limit - used));
  }

  #expire(now: number): void {
    while (this.#head < this.#times.length && (this.#times[this.#head] as number) + this.#windowMs <= now) this.#head++;
    // Compact once the drained prefix dominates: memory stays O(limit).
    if (this.#head > 64 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** Options of {@link TokenBucketBudget}. */
export interface TokenBucketBudgetOptions {
  /** Bucket size (burst). @default 60 */
  readonly capacity?: number | undefined;
  /** Tokens added per second. @default 5 */
  readonly refillPerSecond?: number | undefined;
  /** No client-side limit (rate limiting is off on the server); cooldowns after a 429 still apply. @default false */
  readonly unlimited?: boolean | undefined;
}

/** Bitbucket Data Center's budget: a token bucket (each request costs one token), or unlimited. */
export class TokenBucketBudget implements Budget {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  readonly #unlimited: boolean;
  #tokens: number;
  #updatedAt: number | undefined;
  #coolDownUntil = 0;

  constructor(options: TokenBucketBudgetOptions = {}) {
    this.#capacity = options.capacity ?? 60;
    this.#refillPerMs = (options.refillPerSecond ?? 5) / 1000;
    this.#unlimited = options.unlimited ?? false;
    if (!(this.#capacity >= 1) || !(this.#refillPerMs > 0)) {
      throw new RangeError('capacity must be >= 1 and refillPerSecond > 0');
    }
    this.#tokens = this.#capacity;
  }

  available(now: number): number {
    if (now < this.#coolDownUntil) return 0;
    if (this.#unlimited) return Number.MAX_SAFE_INTEGER;
    return Math.floor(this.#refill(now));
  }

  waitTime(now: number): number {
    const cooling = Math.max(0, this.#coolDownUntil - now);
    if (this.#unlimited) return Math.ceil(cooling);
    const tokens = this.#refill(now);
    const refill = tokens >= 1 ? 0 : Math.ceil((1 - tokens) / this.#refillPerMs);
    return Math.ceil(Math.max(cooling, refill));
  }

  take(now: number): void {
    if (this.#unlimited) return;
    this.#tokens = this.#refill(now) - 1;
    this.#updatedAt = Math.max(this.#updatedAt ?? now, now);
  }

  observe(): void {
    // Data Center documents no rate-limit headers; a 429 (with Retry-After when sent) becomes a cooldown.
  }

  coolDown(until: number): void {
    this.#coolDownUntil = Math.max(this.#coolDownUntil, until);
  }

  #refill(now: number): number {
    if (this.#updatedAt === undefined || now <= this.#updatedAt) return this.#tokens;
    // Snap to integers near float error so that waiting exactly waitTime() always yields a whole token.
    const tokens = Math.min(this.#capacity, this.#tokens + (now - this.#updatedAt) * this.#refillPerMs);
    this.#tokens = Math.abs(tokens - Math.round(tokens)) < 1e-9 ? Math.round(tokens) : tokens;
    this.#updatedAt = now;
    return this.#tokens;
  }
}

/** Options of {@link AdaptiveRateBudget}. */
export interface AdaptiveRateBudgetOptions {
  /** The rate (requests per second) never gone below once learning started. @default 0.1 */
  readonly minPerSecond?: number | undefined;
  /** Factor the rate is multiplied by at each 429. @default 0.7 */
  readonly decrease?: number | undefined;
  /**
   * Factor the rate grows by with each answer that is not a 429. Relative, so a cycle from a 429 back up to the
   * server's rate takes about the same number of requests at any rate: with the defaults about 40, so about one
   * request in 40 draws a 429 and the rate averages about 85% of what the server allows. @default 0.009
   */
  readonly increasePerResponse?: number | undefined;
  /** How far back the rate at the first 429 is measured. @default 5000 */
  readonly measureMs?: number | undefined;
}

/**
 * A budget that assumes no limit until the server says otherwise, then learns the rate the server allows:
 * unlimited until the first 429; from then on a token bucket (one second of burst) whose rate starts at the rate
 * that drew the 429 times `decrease`, grows a little with each answer that is not a 429 and shrinks by `decrease`
 * at each overrun (as TCP's congestion control probes for the rate a path allows). The cooldown a 429 names
 * (`Retry-After`) always applies first.
 *
 * For servers whose limit is unknown and may be off: Data Center's rate limiting is opt-in, per user, sends no
 * rate-limit headers and its limits are set by each admin, so assuming the documented default (60 burst, 5/s)
 * would slow every server that has it off to 5 requests a second for nothing.
 */
export class AdaptiveRateBudget implements Budget {
  readonly #min: number;
  readonly #decrease: number;
  readonly #increase: number;
  readonly #measureMs: number;
  /** Requests per millisecond, or undefined while no 429 has been seen. */
  #ratePerMs: number | undefined;
  #tokens = 0;
  #updatedAt = 0;
  #lastDecreaseAt = Number.NEGATIVE_INFINITY;
  #coolDownUntil = 0;
  #lastTake = 0;
  /** Times of the recent requests (within `measureMs`), to measure the rate at the first 429. */
  #recent: number[] = [];

  constructor(options: AdaptiveRateBudgetOptions = {}) {
    this.#min = (options.minPerSecond ?? 0.1) / 1000;
    this.#decrease = options.decrease ?? 0.7;
    this.#increase = options.increasePerResponse ?? 0.009;
    this.#measureMs = options.measureMs ?? 5000;
    if (!(this.#min > 0) || !(this.#decrease > 0 && this.#decrease < 1) || !(this.#increase >= 0) || !(this.#measureMs > 0)) {
      throw new RangeError('minPerSecond > 0, 0 < decrease < 1, increasePerResponse >= 0 and measureMs > 0 are required');
    }
  }

  /** The learned rate in requests per second, or undefined while unlimited. */
  get ratePerSecond(): number | undefined {
    return this.#ratePerMs === undefined ? undefined : this.#ratePerMs * 1000;
  }

  available(now: number): number {
    if (now < this.#coolDownUntil) return 0;
    if (this.#ratePerMs === undefined) return Number.MAX_SAFE_INTEGER;
    return Math.floor(this.#refill(now));
  }

  waitTime(now: number): number {
    const cooling = Math.max(0, this.#coolDownUntil - now);
    if (this.#ratePerMs === undefined) return Math.ceil(cooling);
    const tokens = this.#refill(Math.max(now, this.#coolDownUntil));
    const refill = tokens >= 1 ? 0 : (1 - tokens) / this.#ratePerMs;
    return Math.ceil(cooling + refill);
  }

  take(now: number): void {
    this.#lastTake = Math.max(this.#lastTake, now);
    if (this.#ratePerMs === undefined) {
      this.#recent.push(now);
      while (this.#recent.length > 0 && (this.#recent[0] as number) < now - this.#measureMs) this.#recent.shift();
      return;
    }
    this.#tokens = this.#refill(now) - 1;
  }

  observe(_headers: Readonly<Record<string, string | undefined>>, now: number): void {
    // An answer: the rate may grow (a 429's answer is observed too, but its coolDown follows at once and shrinks it).
    if (this.#ratePerMs === undefined || now < this.#coolDownUntil) return;
    this.#ratePerMs *= 1 + this.#increase;
  }

  coolDown(until: number): void {
    const now = this.#lastTake;
    this.#coolDownUntil = Math.max(this.#coolDownUntil, until);
    // The requests in flight together all draw a 429 for one overrun: decrease once per overrun, not per answer.
    // Requests sent within about 8 request intervals (at most a second) of a decrease were in flight with it.
    const inFlightMs = this.#ratePerMs === undefined ? 1000 : Math.min(1000, 8 / this.#ratePerMs);
    if (now - this.#lastDecreaseAt < inFlightMs) return;
    this.#lastDecreaseAt = now;
    if (this.#ratePerMs === undefined) {
      const window = this.#recent.length > 1 ? Math.max(1, now - (this.#recent[0] as number)) : 1000;
      this.#ratePerMs = Math.max(this.#min, (this.#recent.length / window) * this.#decrease);
      this.#recent = [];
    } else {
      this.#ratePerMs = Math.max(this.#min, this.#ratePerMs * this.#decrease);
    }
    // Start the bucket empty at the end of the cooldown: the server's own bucket is empty too.
    this.#tokens = 0;
    this.#updatedAt = this.#coolDownUntil;
  }

  #refill(now: number): number {
    const rate = this.#ratePerMs as number;
    const capacity = Math.max(1, rate * 1000);
    if (now <= this.#updatedAt) return this.#tokens;
    const tokens = Math.min(capacity, this.#tokens + (now - this.#updatedAt) * rate);
    this.#tokens = Math.abs(tokens - Math.round(tokens)) < 1e-9 ? Math.round(tokens) : tokens;
    this.#updatedAt = now;
    return this.#tokens;
  }
}

/** Options of {@link cloudBudgets}. */
export interface CloudBudgetsOptions {
  /** Requests per hour per identity unless a credential sets `requestsPerHour`. @default 1000 */
  readonly requestsPerHour?: number | undefined;
  /** @default 3_600_000 */
  readonly windowMs?: number | undefined;
  /** @default 1000 */
  readonly marginMs?: number | undefined;
}

/**
 * Budgets for Bitbucket Cloud: one {@link RollingWindowBudget} per identity, shared by every credential
 * with that identity (two API tokens of one user spend one allowance).
 */
export function cloudBudgets(options: CloudBudgetsOptions = {}): BudgetFactory {
  const byIdentity = new Map<string, RollingWindowBudget>();
  return (credential: Credential) => {
    let budget = byIdentity.get(credential.identity);
    if (budget === undefined) {
      budget = new RollingWindowBudget({
        limit: credential.requestsPerHour ?? options.requestsPerHour ?? 1000,
        limitIsCap: credential.requestsPerHour !== undefined,
        windowMs: options.windowMs,
        marginMs: options.marginMs,
      });
      byIdentity.set(credential.identity, budget);
    } else if (credential.requestsPerHour !== undefined) {
      budget.capAt(credential.requestsPerHour);
    }
    return budget;
  };
}

/** Options of {@link dataCenterBudgets}. */
export interface DataCenterBudgetsOptions {
  /**
   * Whether the server rate-limits (Data Center's rate limiting is opt-in). When false, budgets are
   * unlimited but still honour cooldowns after a 429. @default true
   */
  readonly enabled?: boolean | undefined;
  /** @default 60 */
  readonly capacity?: number | undefined;
  /** @default 5 */
  readonly refillPerSecond?: number | undefined;
  /**
   * Learn the server's rate instead of assuming `capacity`/`refillPerSecond`: no pacing until a 429, then
   * {@link AdaptiveRateBudget}. Used when the user configured no rate limit. @default false
   */
  readonly adaptive?: boolean | undefined;
}

/** Budgets for Bitbucket Data Center: one budget per identity (per user), adaptive or a fixed token bucket. */
export function dataCenterBudgets(options: DataCenterBudgetsOptions = {}): BudgetFactory {
  const byIdentity = new Map<string, Budget>();
  return (credential: Credential) => {
    let budget = byIdentity.get(credential.identity);
    if (budget === undefined) {
      budget =
        options.adaptive === true && options.enabled !== false
          ? new AdaptiveRateBudget()
          : new TokenBucketBudget({
              capacity: options.capacity,
              refillPerSecond: options.refillPerSecond,
              unlimited: options.enabled === false,
            });
      byIdentity.set(credential.identity, budget);
    }
    return budget;
  };
}
