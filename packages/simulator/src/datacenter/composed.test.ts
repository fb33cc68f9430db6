import { expect, it } from 'vitest';
import { startSimulator } from '../start.js';
import { authorization } from './testing.js';

it('startSimulator serves the Data Center API at datacenter.baseUrl and its control API under /_sim/datacenter', async () => {
  const sim = await startSimulator({ size: 'tiny' });
  try {
    const admin = sim.datacenter.credentials['admin']!;
    const response = await fetch(`${sim.datacenter.baseUrl}/repos?limit=1000`, { headers: { authorization: authorization(admin) } });
    const body = (await response.json()) as { values: unknown[]; limit: number };
    expect(response.status).toBe(200);
    expect(body.values.length).toBe(sim.datacenter.groundTruth().repositories.length);
    const activitiesCap = sim.datacenter.groundTruth().repositories[0]!;
    expect(activitiesCap.links.self[0]!.href.startsWith(sim.origin)).toBe(true);
    const control = await fetch(`${sim.origin}/_sim/datacenter/counters`);
    expect(((await control.json()) as { total: number }).total).toBe(1);
  } finally {
    await sim.close();
  }
});
