/**
 * Pacing against a real (simulated) Data Center server whose rate limit the client does not know: with no
 * `rateLimit` configured, the connector sends at full speed until the server answers 429, then learns the rate
 * the server allows. A server with rate limiting off is never slowed down; a server with a bucket is still synced
 * completely, with few 429s; a configured bucket paces from the first request, as before.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStateStore, parseCredentials, runSync, type ClosableApiClient, type RunManifest } from '@bbsync/core';
import { startSimulator, type Simulator } from '@bbsync/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { dataCenterConnector } from './connector.js';
import { expectTruth } from './test-support/e2e-expectations.js';
import { E2E_SIZE, readFolder } from './test-support/engine-harness.js';

let sim: Simulator | undefined;
const folders: string[] = [];
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function syncOnce(server: Simulator, rateLimit: unknown): Promise<{ manifest: RunManifest; dir: string }> {
  const config = dataCenterConnector.parseConfig({ baseUrl: server.datacenter.baseUrl, ...(rateLimit === undefined ? {} : { rateLimit }) });
  const credential = server.datacenter.credentials.admin;
  const client = dataCenterConnector.createClient(config, parseCredentials([credential?.config ?? {}])) as ClosableApiClient;
  const dir = await mkdtemp(join(tmpdir(), 'bbsync-dc-pacing-'));
  folders.push(dir);
  try {
    const manifest = await runSync({ source: dataCenterConnector.source, config, client, state: new MemoryStateStore({ scope: dataCenterConnector.scope(config) }), outputDir: dir });
    return { manifest, dir };
  } finally {
    await client.close();
  }
}

describe('Data Center pacing without a configured rate limit', { timeout: 120_000 }, () => {
  it('never waits on a server with rate limiting off (the default of a Data Center install)', async () => {
    sim = await startSimulator({ seed: 7, size: E2E_SIZE });
    const { manifest } = await syncOnce(sim, undefined);
    expect(manifest.status).toBe('complete');
    expect(manifest.requests.rateLimited).toBe(0);
    expect(manifest.requests.rateLimitWaitMs).toBe(0);
    expect(manifest.requests.total).toBeGreaterThan(60); // more than the documented default burst: it was not paced
  });

  it('learns the rate of a server with a token bucket: every record of the ground truth, few 429s', async () => {
    sim = await startSimulator({ seed: 7, size: E2E_SIZE, rateLimits: { dataCenterBucket: { capacity: 20, fillPerSecond: 40 } } });
    const { manifest, dir } = await syncOnce(sim, undefined);
    expect(manifest.status).toBe('complete');
    expect(manifest.errors).toEqual([]);
    expectTruth(await readFolder(dir), sim.datacenter.groundTruth());
    // It did meet the limit (so the test exercises learning) and then drew 429s for only a small share.
    expect(manifest.requests.rateLimited).toBeGreaterThan(0);
    expect(manifest.requests.rateLimited / manifest.requests.total).toBeLessThan(0.2);
  });

  it('a configured bucket paces from the first request: no 429 from a server whose bucket it stays inside', async () => {
    sim = await startSimulator({ seed: 7, size: E2E_SIZE, rateLimits: { dataCenterBucket: { capacity: 20, fillPerSecond: 40 } } });
    // A little inside the server's bucket: arrival jitter can bunch two requests the client spaced exactly.
    const { manifest } = await syncOnce(sim, { capacity: 15, refillPerSecond: 30 });
    expect(manifest.status).toBe('complete');
    expect(manifest.requests.rateLimited).toBe(0);
  });
});
