import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdaptiveRateBudget, cloudBudgets, dataCenterBudgets, RollingWindowBudget, TokenBucketBudget } from './budget.js';
import { parseCredentials } from './credentials.js';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);
const HOUR = 3_600_000;

describe('RollingWindowBudget', () => {
  it('allows the limit per rolling window, then waits for the oldest request to leave', () => {
    const budget = new RollingWindowBudget({ limit: 3, marginMs: 0 });
    const t0 = 1_000_000;
    budget.take(t0);
    budget.take(t0 + 10);
    budget.take(t0 + 20);
    expect(budget.available(t0 + 20)).toBe(0);
    expect(budget.waitTime(t0 + 20)).toBe(HOUR - 20);
    expect(budget.waitTime(t0 + HOUR)).toBe(0);
    expect(budget.available(t0 + HOUR)).toBe(1);
    expect(budget.available(t0 + HOUR + 20)).toBe(3);
  });

  it('counts a margin beyond the window by default', () => {
    const budget = new RollingWindowBudget({ limit: 1 });
    budget.take(0);
    expect(budget.waitTime(0)).toBe(HOUR + 1000);
  });

  it('defaults to 1000 per hour', () => {
    const budget = new RollingWindowBudget();
    for (let i = 0; i < 1000; i++) {
      expect(budget.waitTime(i)).toBe(0);
      budget.take(i);
    }
    expect(budget.waitTime(1000)).toBeGreaterThan(0);
  });

  it('learns X-RateLimit-Limit, unless a configured cap is lower', () => {
    const learned = new RollingWindowBudget();
    learned.observe({ 'x-ratelimit-limit': '2500' }, 0);
    expect(learned.limit).toBe(2500);
    learned.observe({ 'x-ratelimit-limit': 'junk' }, 0);
    expect(learned.limit).toBe(2500);
    const capped = new RollingWindowBudget({ limit: 500, limitIsCap: true });
    capped.observe({ 'x-ratelimit-limit': '2500' }, 0);
    expect(capped.limit).toBe(500);
  });

  it('spreads the remaining budget over the rest of the window when near the limit', () => {
    const budget = new RollingWindowBudget({ limit: 10, marginMs: 0 });
    budget.take(0);
    budget.observe({ 'x-ratelimit-nearlimit': 'true' }, 0);
    expect(budget.nearLimit).toBe(true);
    // 9 left over the 3,600 s until the first request leaves the window: one every 400 s.
    expect(budget.waitTime(0)).toBe(400_000);
    budget.take(400_000);
    expect(budget.waitTime(400_000)).toBe(400_000);
    budget.observe({ 'x-ratelimit-nearlimit': 'false' }, 400_000);
    expect(budget.waitTime(400_000)).toBe(0);
  });

  it('never paces faster than the steady rate', () => {
    const budget = new RollingWindowBudget({ limit: 10, marginMs: 0 });
    budget.observe({ 'x-ratelimit-nearlimit': 'true' }, 0);
    budget.take(0);
    expect(budget.waitTime(0)).toBeGreaterThanOrEqual(HOUR / 10);
  });

  it('honours a cooldown', () => {
    const budget = new RollingWindowBudget({ limit: 10 });
    budget.coolDown(5000);
    expect(budget.available(0)).toBe(0);
    expect(budget.waitTime(0)).toBe(5000);
    budget.coolDown(1000); // an earlier end never shortens it
    expect(budget.waitTime(0)).toBe(5000);
    expect(budget.waitTime(5000)).toBe(0);
  });

  it('keeps memory bounded over many windows', () => {
    const budget = new RollingWindowBudget({ limit: 5, windowMs: 100, marginMs: 0 });
    let now = 0;
    for (let i = 0; i < 100_000; i++) {
      now += budget.waitTime(now);
      budget.take(now);
    }
    expect(budget.used(now)).toBeLessThanOrEqual(5);
  });

  it('property: a caller that only takes when waitTime is 0 never puts more than the limit in any window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 10, max: 2000 }),
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('gap' as const), ms: fc.integer({ min: 0, max: 500 }) }),
            fc.record({ kind: fc.constant('take' as const), ms: fc.constant(0) }),
            fc.record({ kind: fc.constant('near' as const), ms: fc.integer({ min: 0, max: 1 }) }),
            fc.record({ kind: fc.constant('limit' as const), ms: fc.integer({ min: 1, max: 12 }) }),
            fc.record({ kind: fc.constant('cool' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
          ),
          { maxLength: 200 },
        ),
        (limit, windowMs, events) => {
          const budget = new RollingWindowBudget({ limit, windowMs, marginMs: 0 });
          let now = 0;
          let currentLimit = limit;
          const taken: { at: number; limit: number }[] = [];
          for (const event of events) {
            if (event.kind === 'gap') now += event.ms;
            else if (event.kind === 'near') budget.observe({ 'x-ratelimit-nearlimit': event.ms === 1 ? 'true' : 'false' }, now);
            else if (event.kind === 'limit') {
              budget.observe({ 'x-ratelimit-limit': String(event.ms) }, now);
              currentLimit = event.ms;
            } else if (event.kind === 'cool') budget.coolDown(now + event.ms);
            else {
              now += budget.waitTime(now);
              expect(budget.waitTime(now)).toBe(0);
              expect(budget.available(now)).toBeGreaterThan(0);
              budget.take(now);
              taken.push({ at: now, limit: currentLimit });
            }
          }
          // Every request was admitted with at most limit-1 others in the window before it.
          for (let i = 0; i < taken.length; i++) {
            const { at, limit: allowed } = taken[i]!;
            const inWindow = taken.filter((t, j) => j <= i && t.at > at - windowMs).length;
            expect(inWindow).toBeLessThanOrEqual(allowed);
          }
        },
      ),
      { numRuns },
    );
  });
});

describe('TokenBucketBudget', () => {
  it('allows a burst of 60, then 5 per second', () => {
    const budget = new TokenBucketBudget();
    for (let i = 0; i < 60; i++) {
      expect(budget.waitTime(0)).toBe(0);
      budget.take(0);
    }
    expect(budget.available(0)).toBe(0);
    expect(budget.waitTime(0)).toBe(200);
    expect(budget.available(1000)).toBe(5);
    expect(budget.available(100_000)).toBe(60);
  });

  it('unlimited mode never waits, except for cooldowns', () => {
    const budget = new TokenBucketBudget({ unlimited: true });
    for (let i = 0; i < 1000; i++) budget.take(0);
    expect(budget.waitTime(0)).toBe(0);
    budget.coolDown(3000);
    expect(budget.waitTime(0)).toBe(3000);
    expect(budget.available(0)).toBe(0);
  });

  it('property: over any interval, takes never exceed capacity + rate x length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 150 }),
        (capacity, refillPerSecond, gaps) => {
          const budget = new TokenBucketBudget({ capacity, refillPerSecond });
          let now = 0;
          const taken: number[] = [];
          for (const gap of gaps) {
            now += gap % 7 === 0 ? 0 : gap;
            now += budget.waitTime(now);
            budget.take(now);
            taken.push(now);
          }
          for (let i = 0; i < taken.length; i++) {
            for (let j = i; j < taken.length; j++) {
              const span = taken[j]! - taken[i]!;
              expect(j - i + 1).toBeLessThanOrEqual(capacity + Math.floor((span * refillPerSecond) / 1000) + 1e-9);
            }
          }
        },
      ),
      { numRuns },
    );
  });
});

describe('budget factories', () => {
  it('cloudBudgets gives credentials of one identity the same budget', () => {
    const factory = cloudBudgets({ requestsPerHour: 100 });
    const [a, b, c, d] = parseCredentials([
      { email: 'me@example.com', apiToken: 'x' },
      { email: 'ME@example.com', apiToken: 'y', requestsPerHour: 40 },
      { accessToken: 't1' },
      { accessToken: 't2', requestsPerHour: 7 },
    ]);
    const budgetA = factory(a!) as RollingWindowBudget;
    expect(factory(b!)).toBe(budgetA);
    expect(budgetA.limit).toBe(40); // the lower configured cap of the shared identity
    expect(factory(c!)).not.toBe(budgetA);
    expect((factory(c!) as RollingWindowBudget).limit).toBe(100);
    expect((factory(d!) as RollingWindowBudget).limit).toBe(7);
  });

  it('dataCenterBudgets shares per user and supports unlimited', () => {
    const [a, b] = parseCredentials([
      { username: 'svc', password: 'x' },
      { username: 'svc', password: 'personal-access-token' },
    ]);
    const limited = dataCenterBudgets();
    expect(limited(a!)).toBe(limited(b!));
    const unlimited = dataCenterBudgets({ enabled: false })(a!);
    for (let i = 0; i < 500; i++) unlimited.take(0);
    expect(unlimited.waitTime(0)).toBe(0);
  });
});

describe('AdaptiveRateBudget', () => {
  it('does not pace at all until a 429', () => {
    const budget = new AdaptiveRateBudget();
    for (let i = 0; i < 10_000; i++) {
      expect(budget.waitTime(i)).toBe(0);
      budget.take(i);
      budget.observe({}, i);
    }
    expect(budget.ratePerSecond).toBeUndefined();
    expect(budget.available(10_000)).toBeGreaterThan(1_000_000);
  });

  it('at the first 429 honours the cooldown, then paces at `decrease` times the rate that drew it', () => {
    const budget = new AdaptiveRateBudget({ decrease: 0.5, measureMs: 1000 });
    for (let t = 0; t <= 1000; t += 10) budget.take(t); // ~100 requests a second
    budget.coolDown(2000);
    expect(budget.waitTime(1000)).toBeGreaterThanOrEqual(1000);
    expect(budget.ratePerSecond).toBeGreaterThan(45);
    expect(budget.ratePerSecond).toBeLessThan(55);
  });

  it('decreases once for the 429s of one overrun (requests in flight together), again for a later one', () => {
    const budget = new AdaptiveRateBudget({ decrease: 0.5, minPerSecond: 0.001 });
    for (let t = 0; t < 1000; t += 10) budget.take(t);
    budget.coolDown(1500);
    const first = budget.ratePerSecond as number;
    budget.coolDown(1500);
    budget.coolDown(1600);
    expect(budget.ratePerSecond).toBe(first);
    budget.take(first > 8 ? 5000 : 20_000);
    budget.coolDown(30_000);
    expect(budget.ratePerSecond).toBeCloseTo(first / 2, 6);
  });

  it('grows the rate with each answer after the cooldown, never below the minimum', () => {
    const budget = new AdaptiveRateBudget({ decrease: 0.5, increasePerResponse: 0.1, minPerSecond: 2 });
    budget.take(0);
    budget.coolDown(1000);
    expect(budget.ratePerSecond).toBe(2);
    budget.observe({}, 500); // an answer still inside the cooldown: no growth
    expect(budget.ratePerSecond).toBe(2);
    for (let i = 0; i < 10; i++) budget.observe({}, 2000 + i);
    expect(budget.ratePerSecond).toBeCloseTo(2 * 1.1 ** 10, 6);
  });

  // A deterministic model of a Data Center server's per-user token bucket (60 burst, 5/s, Retry-After = the time to
  // one token), against a client that sends whenever its budget lets it: the learned rate must use most of what
  // the server allows, and draw few 429s.
  it.each([
    { capacity: 60, refill: 5 },
    { capacity: 10, refill: 1 },
    { capacity: 200, refill: 50 },
  ])('settles near the rate a token-bucket server allows ($capacity burst, $refill/s)', ({ capacity, refill }) => {
    const budget = new AdaptiveRateBudget();
    let tokens = capacity;
    let now = 0;
    let last = 0;
    let ok = 0;
    let limited = 0;
    const end = 600_000;
    while (now < end) {
      now += Math.max(1, budget.waitTime(now));
      tokens = Math.min(capacity, tokens + ((now - last) / 1000) * refill);
      last = now;
      budget.take(now);
      if (tokens >= 1) {
        tokens -= 1;
        ok++;
        budget.observe({}, now);
      } else {
        limited++;
        budget.coolDown(now + Math.ceil(((1 - tokens) / refill) * 1000));
      }
    }
    const allowed = capacity + (end / 1000) * refill;
    expect(ok / allowed).toBeGreaterThan(0.7);
    expect(limited / (ok + limited)).toBeLessThan(0.08);
  });
});
