import { describe, expect, it } from 'vitest';
import { FaultDice, withFaults } from './faults.js';
import type { SimRequest, SimResponse } from './server.js';

const request = (path: string): SimRequest => ({ method: 'GET', url: new URL(`http://x${path}`), path, headers: {}, body: Buffer.alloc(0) });
const okHandler = (): SimResponse => ({ status: 200, body: { values: [1, 2, 3] } });

describe('withFaults', () => {
  it('passes through without faults', async () => {
    expect(await withFaults(okHandler, undefined)(request('/a'))).toEqual({ status: 200, body: { values: [1, 2, 3] } });
  });

  it('decides per request key and occurrence, reproducibly', async () => {
    const run = async (): Promise<number[]> => {
      const handler = withFaults(okHandler, { seed: 9, serverErrorRate: 0.5 });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await handler(request(`/p${i % 4}`))).status);
      return out;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(1);
    const dice = new FaultDice(1);
    expect(dice.occurrence('k')).toBe(0);
    expect(dice.occurrence('k')).toBe(1);
    expect(dice.unit('x', 'k', 0)).toBe(new FaultDice(1).unit('x', 'k', 0));
  });

  it('uses the API hooks for 5xx and 429 bodies, and adds latency', async () => {
    const handler = withFaults(okHandler, { rateLimitRate: 1, retryAfter: true, latencyMs: 7 }, { rateLimited: (ra) => ({ status: 429, body: ra ? 'ra' : 'no' }) });
    expect(await handler(request('/a'))).toEqual({ status: 429, body: 'ra', delayMs: 7 });
    const truncated = await withFaults(okHandler, { truncateRate: 1 })(request('/a'));
    expect(truncated.truncateAt).toBeLessThan(Buffer.from(JSON.stringify({ values: [1, 2, 3] })).length);
    const malformed = await withFaults(okHandler, { malformedJsonRate: 1 })(request('/a'));
    expect(() => JSON.parse((malformed.body as Buffer).toString())).toThrow();
  });
});
