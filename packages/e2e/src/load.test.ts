/**
 * Load: 1,000 repositories read with high concurrency (32 partitions at once) keep the open sockets at or below
 * the configured connection count (undici's pool statistics, through core's transport `stats()`), and memory
 * bounded (the heap's peak growth stays far below what holding the data would take).
 */
import { join } from 'node:path';
import { silentLogger } from '@bbsync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIS, E2E_SEED, LARGE, NO_DIFFERENCE, UNLIMITED_RATES, cleanDiff, connectorSetup, mergedDiff, scratchDir } from './support/harness.js';
import { loadConnector } from './support/connectors.js';
import { loadCore, startSimulator } from './support/parts.js';
import type { Simulator } from './support/sim-types.js';

const SUITE_TIMEOUT = LARGE ? 1_200_000 : 150_000;
const REPOSITORIES = LARGE ? 5_000 : 1_000;
const CONNECTIONS = 4;
const CONCURRENCY = 32;
/** Peak heap growth allowed during the sync. */
const MAX_HEAP_GROWTH = 256 * 1024 * 1024;

let sim: Simulator;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  sim = await startSimulator({
    seed: E2E_SEED % 1000,
    size: { repositories: REPOSITORIES, projects: 10, members: 20, pullRequestsPerRepo: 1, commitsPerRepo: 3, pipelinesPerRepo: 1 },
    rateLimits: UNLIMITED_RATES,
  });
  scratch = await scratchDir('load');
}, SUITE_TIMEOUT);

afterAll(async () => {
  await sim?.close();
  await scratch?.remove();
});

/** The streams read at load (every stream in the large variant): one request or more per repository each. */
const STREAMS = LARGE ? undefined : (['repositories', 'commits'] as const);

describe.each(APIS)(`%s: ${REPOSITORIES} repositories at concurrency ${CONCURRENCY} over ${CONNECTIONS} connections`, (api) => {
  it(`keeps sockets <= ${CONNECTIONS} and memory bounded, and loses nothing`, { timeout: SUITE_TIMEOUT }, async () => {
    const core = await loadCore();
    const connector = await loadConnector(api);
    const { config, credentials } = connectorSetup(api, sim);
    const parsedConfig: unknown = connector.parseConfig(config);
    const transport = core.createUndiciTransport({ connections: CONNECTIONS });
    const client = connector.createClient(parsedConfig, core.parseCredentials(credentials), { transport, concurrency: CONCURRENCY, logger: silentLogger });
    const dir = join(scratch.path, api);
    const state = await core.openState(join(dir, 'state.json'), connector.scope(parsedConfig));

    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let maxSockets = 0;
    let maxHeap = heapBefore;
    let samples = 0;
    const sample = setInterval(() => {
      const stats = transport.stats();
      // `connected` counts open sockets (undici PoolStats; `size` would count requests).
      maxSockets = Math.max(maxSockets, stats.connected, ...Object.values(stats.origins).map((o) => o.connected));
      maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
      samples += 1;
    }, 2);
    try {
      const manifest = await core.runSync({ source: connector.source, config: parsedConfig, client, state, outputDir: join(dir, 'run'), runId: 'load', concurrency: CONCURRENCY, streams: STREAMS, logger: silentLogger });
      expect(manifest.status, JSON.stringify(manifest.errors.slice(0, 3))).toBe('complete');
      expect(manifest.requests.total).toBeGreaterThan(REPOSITORIES);
    } finally {
      clearInterval(sample);
      await transport.close();
    }
    expect(samples).toBeGreaterThan(10);
    expect(maxSockets).toBeGreaterThan(0);
    expect(maxSockets).toBeLessThanOrEqual(CONNECTIONS);
    expect(maxHeap - heapBefore).toBeLessThan(MAX_HEAP_GROWTH);

    const diff = await mergedDiff(api, sim, [join(dir, 'run')], join(dir, 'merged'), STREAMS);
    expect(cleanDiff(diff)).toEqual(NO_DIFFERENCE);
    expect(diff.counts.repositories).toBe(api === 'cloud' ? REPOSITORIES : sim.datacenter.groundTruth().repositories.length);
  });
});
