import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDc, type StartedDc } from './testing.js';

let dc: StartedDc;
beforeAll(async () => {
  dc = await startDc({ rateLimits: { dataCenterBucket: { capacity: 3, fillPerSecond: 0.001 } } });
});
afterAll(() => dc.close());

it('a per-user token bucket answers 429 with Retry-After, refilled by simulated time', async () => {
  for (let i = 0; i < 3; i++) expect((await dc.get('/repos?limit=1', 'user')).status).toBe(200);
  const limited = await dc.get('/repos?limit=1', 'user');
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(limited.body.errors[0].message).toMatch(/rate limited/);
  // Buckets are per user: the admin still has tokens.
  expect((await dc.get('/repos?limit=1', 'admin')).status).toBe(200);
  // A personal token of the same user shares the user's bucket.
  expect((await dc.get('/repos?limit=1', 'userToken')).status).toBe(429);
  dc.clock.advance(2_000_000);
  expect((await dc.get('/repos?limit=1', 'user')).status).toBe(200);
  expect(dc.sim.handle.counters().byStatus['429']).toBe(2);
});
