import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDc, type StartedDc } from './testing.js';

let dc: StartedDc;
beforeAll(async () => {
  dc = await startDc();
});
afterAll(() => dc.close());

it('injects 5xx with DC error bodies, proxy HTML pages, 429 storms and malformed JSON, and logs them', async () => {
  const control = dc.sim.handle.control;
  dc.sim.handle.resetCounters();
  control.setFaults({ faults: { seed: 1, serverErrorRate: 1 } });
  const serverError = await dc.get('/repos');
  expect(serverError.status).toBeGreaterThanOrEqual(500);
  expect(serverError.body.errors[0].message).toBeTruthy();

  control.setFaults({ faults: { seed: 1, htmlErrorRate: 1 } });
  const html = await dc.get('/repos');
  expect([502, 503]).toContain(html.status);
  expect(html.headers.get('content-type')).toMatch(/text\/html/);

  control.setFaults({ faults: { seed: 1, rateLimitRate: 1, retryAfter: true } });
  const storm = await dc.get('/repos');
  expect(storm.status).toBe(429);
  expect(storm.headers.get('retry-after')).toBe('1');
  expect(storm.body.errors[0].exceptionName).toMatch(/RateLimited/);

  control.setFaults({ faults: { seed: 1, malformedJsonRate: 1 } });
  const malformed = await dc.get('/repos');
  expect(malformed.status).toBe(200);
  expect(() => JSON.parse(malformed.text)).toThrow();

  control.setFaults({});
  expect((await dc.get('/repos')).status).toBe(200);
  expect(dc.sim.handle.counters().total).toBe(5);
});

it('faults are reproducible: the same fault seed fails the same requests', async () => {
  const statuses = async (sim: StartedDc): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < 20; i++) out.push((await sim.get(`/repos?limit=${i + 1}`)).status);
    return out;
  };
  const runs: number[][] = [];
  for (let run = 0; run < 2; run++) {
    const sim = await startDc({ faults: { seed: 7, serverErrorRate: 0.3 } });
    try {
      runs.push(await statuses(sim));
    } finally {
      await sim.close();
    }
  }
  expect(runs[0]!.some((s) => s >= 500)).toBe(true);
  expect(runs[0]!.some((s) => s === 200)).toBe(true);
  expect(runs[1]).toEqual(runs[0]);
});
