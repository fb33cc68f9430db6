/**
 * Crash anywhere, lose nothing: a sync (core's engine + a connector, in a child process) is SIGKILLed at seeded
 * request numbers, chosen by the count of requests the simulator received (a proxy in this process counts them and
 * kills the child as the N-th arrives, before it is answered). A second run continues from the state the killed
 * run left; the merged output of both runs must equal the simulator's ground truth exactly: no record missing,
 * none duplicated, none stale. A cursor ahead of its data would make the second run skip records, so equality
 * also proves that cursors never run ahead of durable data.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIS, E2E_SEED, LARGE, NO_DIFFERENCE, UNLIMITED_RATES, cleanDiff, connectorSetup, killPoints, mergedDiff, readStateFile, scratchDir, startChildSync } from './support/harness.js';
import { startSimulator } from './support/parts.js';
import { startProxy, type RunningProxy } from './support/proxy.js';
import type { Simulator } from './support/sim-types.js';
import type { ApiKind, SyncJob } from './support/sync-job.js';

const SUITE_TIMEOUT = LARGE ? 1_200_000 : 240_000;
const KILLS_PER_CONNECTOR = LARGE ? 30 : 4;

let sim: Simulator;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  sim = await startSimulator({ seed: E2E_SEED % 1000, size: LARGE ? 'small' : 'tiny', rateLimits: UNLIMITED_RATES });
  scratch = await scratchDir('crash');
});

afterAll(async () => {
  await sim?.close();
  await scratch?.remove();
});

/** A proxy whose `killAt` hook SIGKILLs the current child when request N arrives (which then never gets an answer). */
async function killingProxy(): Promise<{ proxy: RunningProxy; arm: (n: number, kill: () => void) => void }> {
  let armed: { n: number; kill: () => void } | undefined;
  const proxy = await startProxy(sim.origin, {
    onRequest: (request) => {
      if (armed === undefined || request.n < armed.n) return undefined;
      armed.kill();
      armed = undefined;
      return 'reset';
    },
  });
  return { proxy, arm: (n, kill) => (armed = { n, kill }) };
}

function job(api: ApiKind, origin: string, dir: string, run: number): SyncJob {
  const { config, credentials } = connectorSetup(api, sim, origin);
  return { api, config, credentials, stateFile: join(dir, 'state.json'), runDir: join(dir, `run-${run}`), runId: `run-${run}`, concurrency: 3 };
}

/** Requests of a complete sync, per connector: the kill points are spread over them. */
const totals: Partial<Record<ApiKind, number>> = {};

beforeAll(async () => {
  // One uninterrupted run per connector measures how many requests a full sync takes (and checks it is exact).
  await Promise.all(
    APIS.map(async (api) => {
      const dir = join(scratch.path, `${api}-baseline`);
      const proxy = await startProxy(sim.origin);
      try {
        const result = await startChildSync(job(api, proxy.origin, dir, 1)).done;
        expect(result.outcome?.status, result.stdout + result.stderr).toBe('complete');
        totals[api] = proxy.count();
        const diff = await mergedDiff(api, sim, [join(dir, 'run-1')], join(dir, 'merged'));
        expect(cleanDiff(diff)).toEqual(NO_DIFFERENCE);
      } finally {
        await proxy.close();
      }
    }),
  );
}, SUITE_TIMEOUT);

describe('SIGKILL at seeded request numbers, then a rerun', { timeout: SUITE_TIMEOUT }, () => {
  it.concurrent.each(APIS)('%s: loses nothing whichever request the kill lands on', async (api) => {
    const total = totals[api] ?? 0;
    expect(total).toBeGreaterThan(2);
    const points = killPoints(total, KILLS_PER_CONNECTOR, E2E_SEED + (api === 'cloud' ? 1 : 2));
    for (const point of points) {
      const dir = join(scratch.path, `${api}-kill-${point}`);
      const { proxy, arm } = await killingProxy();
      try {
        const first = startChildSync(job(api, proxy.origin, dir, 1));
        arm(point, () => first.run.child.kill('SIGKILL'));
        const killed = await first.done;
        expect(killed.signal, `run 1 should die at request ${point} of ${total}: ${killed.stdout}${killed.stderr}`).toBe('SIGKILL');
        // The state a crash leaves is always a readable document (temp file + fsync + rename).
        await readStateFile(join(dir, 'state.json'));

        const second = await startChildSync(job(api, proxy.origin, dir, 2)).done;
        expect(second.outcome?.status, `rerun after a kill at ${point}: ${second.stdout}${second.stderr}`).toBe('complete');
        const diff = await mergedDiff(api, sim, [join(dir, 'run-1'), join(dir, 'run-2')], join(dir, 'merged'));
        expect({ point, ...cleanDiff(diff) }).toEqual({ point, ...NO_DIFFERENCE });
      } finally {
        await proxy.close();
      }
    }
  });
});
