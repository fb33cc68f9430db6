/** Seeded fault injection: every kind, reproducible from the seed; Cloud-specific faults. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimFaults } from '../../api.js';
import { startSimulator, type Simulator } from '../../start.js';
import { CloudClient } from '../../test-support/cloud-client.js';

let sim: Simulator;
let client: CloudClient;

beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 21, rateLimits: { cloudPerHour: 1_000_000 } });
  client = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['workspaceToken']);
});
afterAll(() => sim.close());

/** What a client sees: status and content type, 'reset', 'truncated' or 'malformed'. */
async function outcome(c: CloudClient, path: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${c.base}${path}`, { headers: { authorization: c.authorization ?? '' } });
  } catch {
    return 'reset';
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    return 'truncated';
  }
  const type = response.headers.get('content-type') ?? '';
  if (response.status === 200) {
    try {
      JSON.parse(text);
    } catch {
      return 'malformed';
    }
  }
  return `${response.status} ${type.split(';')[0]}`;
}

async function withFaults<T>(faults: SimFaults | undefined, run: () => Promise<T>): Promise<T> {
  sim.cloud.control.setFaults(faults);
  try {
    return await run();
  } finally {
    sim.cloud.control.setFaults(undefined);
  }
}

describe('faults', () => {
  it('injects every kind the way it fails on the wire', async () => {
    expect(await withFaults({ serverErrorRate: 1 }, () => outcome(client, '/repositories/acme'))).toMatch(/^50[0-4] application\/json$/);
    expect(await withFaults({ htmlErrorRate: 1 }, () => outcome(client, '/repositories/acme'))).toMatch(/^50[23] text\/html$/);
    expect(await withFaults({ rateLimitRate: 1 }, () => outcome(client, '/repositories/acme'))).toBe('429 text/plain');
    expect(await withFaults({ malformedJsonRate: 1 }, () => outcome(client, '/repositories/acme'))).toBe('malformed');
    expect(await withFaults({ truncateRate: 1 }, () => outcome(client, '/repositories/acme'))).toBe('truncated');
    expect(await withFaults({ resetRate: 1 }, () => outcome(client, '/repositories/acme'))).toBe('reset');
    expect(await withFaults({ stallRate: 1, stallMs: 50 }, () => outcome(client, '/repositories/acme'))).toBe('200 application/json');
    expect(await withFaults({ latencyMs: { min: 1, max: 5 } }, () => outcome(client, '/repositories/acme'))).toBe('200 application/json');
    const storm = await withFaults({ rateLimitRate: 1, retryAfter: true }, () => client.get('/repositories/acme'));
    expect(storm.headers.get('retry-after')).toBe('1');
    expect(storm.text).toBe('Rate limit for this resource has been exceeded');
    const log = sim.cloud.requestLog();
    expect(log.some((e) => e.status === 0)).toBe(true);
  });

  it('is reproducible from the seed', async () => {
    const faults: SimFaults = { seed: 77, serverErrorRate: 0.2, htmlErrorRate: 0.1, rateLimitRate: 0.1, malformedJsonRate: 0.1 };
    const run = async (): Promise<string[]> => {
      const s = await startSimulator({ size: 'tiny', seed: 21, faults, rateLimits: { cloudPerHour: 1_000_000 } });
      try {
        const c = new CloudClient(s.cloud.baseUrl, s.cloud.credentials['workspaceToken']);
        const slug = s.cloud.control.repositories()[0];
        const out: string[] = [];
        for (let i = 0; i < 30; i++) out.push(await outcome(c, i % 2 === 0 ? '/repositories/acme' : `/repositories/acme/${slug}/pullrequests`));
        return out;
      } finally {
        await s.close();
      }
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(1);
  });

  it('points next links to a foreign origin when asked', async () => {
    const page = await withFaults({ foreignNextRate: 1, foreignOrigin: 'https://evil.example' }, () => client.get('/repositories/acme?pagelen=1'));
    expect(new URL(page.json.next).origin).toBe('https://evil.example');
  });

  it('moves data between pages when asked', async () => {
    const slug = sim.cloud.control.repositories()[0] as string;
    const before = sim.cloud.control.truthIds().pullrequests;
    const total = Object.values(before).reduce((n, ids) => n + ids.length, 0);
    await withFaults({ mutateBetweenPagesRate: 1, seed: 3 }, () => client.all(`/repositories/acme/${slug}/pullrequests?state=MERGED&state=OPEN&state=DECLINED&state=SUPERSEDED&pagelen=1`));
    const after = sim.cloud.control.truthIds().pullrequests;
    const comments = Object.values(sim.cloud.groundTruth().comments).flat().filter((c) => (c['content'] as { raw: string }).raw.includes('while paging'));
    const moved = Object.values(after).reduce((n, ids) => n + ids.length, 0) - total + comments.length;
    expect(moved).toBeGreaterThan(0);
  });
});
