/**
 * Graceful stops lose nothing either: SIGTERM at a seeded request (the child wires an AbortController to it), a
 * request budget (`maxRequests`) and a time budget (`deadline`) each end the first run early with status
 * `stopped`; the next run continues, and the merged output of both equals the simulator's ground truth.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIS,
  E2E_SEED,
  LARGE,
  NO_DIFFERENCE,
  UNLIMITED_RATES,
  baselineRun,
  cleanDiff,
  connectorSetup,
  killPoints,
  mergedDiff,
  scratchDir,
  startChildSync,
} from './support/harness.js';
import { startSimulator } from './support/parts.js';
import { startProxy, type ProxyHooks } from './support/proxy.js';
import type { Simulator } from './support/sim-types.js';
import type { ApiKind, SyncJob } from './support/sync-job.js';

const SUITE_TIMEOUT = LARGE ? 900_000 : 240_000;
const POINTS = LARGE ? 10 : 2;

let sim: Simulator;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  sim = await startSimulator({ seed: E2E_SEED % 1000, size: LARGE ? 'small' : 'tiny', rateLimits: UNLIMITED_RATES });
  scratch = await scratchDir('graceful');
});

afterAll(async () => {
  await sim?.close();
  await scratch?.remove();
});

function job(api: ApiKind, origin: string, dir: string, run: number, extra: Partial<SyncJob> = {}): SyncJob {
  const { config, credentials } = connectorSetup(api, sim, origin);
  return { api, config, credentials, stateFile: join(dir, 'state.json'), runDir: join(dir, `run-${run}`), runId: `run-${run}`, concurrency: 3, ...extra };
}

/** Run 1 (stopped early, by `first`), run 2 to completion, then the merged comparison. */
async function stopThenResume(api: ApiKind, name: string, first: Partial<SyncJob>, hooks: (stop: () => void) => ProxyHooks, signal: 'SIGTERM' | undefined): Promise<{ requests: number }> {
  const dir = join(scratch.path, `${api}-${name}`);
  let child: ReturnType<typeof startChildSync> | undefined;
  const proxy = await startProxy(sim.origin, hooks(() => child?.run.child.kill(signal ?? 'SIGTERM')));
  try {
    child = startChildSync(job(api, proxy.origin, dir, 1, first));
    const stopped = await child.done;
    expect(stopped.code, `run 1 must end normally: ${stopped.stdout}${stopped.stderr}`).toBe(0);
    expect(stopped.outcome?.status, stopped.stdout).toBe('stopped');
    const requests = proxy.count();
    const resumed = await startChildSync(job(api, proxy.origin, dir, 2)).done;
    expect(resumed.outcome?.status, resumed.stdout + resumed.stderr).toBe('complete');
    const diff = await mergedDiff(api, sim, [join(dir, 'run-1'), join(dir, 'run-2')], join(dir, 'merged'));
    expect(cleanDiff(diff)).toEqual(NO_DIFFERENCE);
    return { requests };
  } finally {
    await proxy.close();
  }
}

/** Requests of a complete sync, per connector. */
const totals: Partial<Record<ApiKind, number>> = {};

beforeAll(async () => {
  await Promise.all(
    APIS.map(async (api) => {
      const baseline = await baselineRun(sim, (origin) => job(api, origin, join(scratch.path, `${api}-baseline`), 1));
      expect(baseline.outcome?.status, baseline.log).toBe('complete');
      totals[api] = baseline.requests;
    }),
  );
}, SUITE_TIMEOUT);

describe('graceful stops', { timeout: SUITE_TIMEOUT }, () => {
  it.concurrent.each(APIS)('%s: SIGTERM at seeded requests: stopped, then resumed to the ground truth', async (api) => {
    const total = totals[api] ?? 0;
    // Not the very last requests: a SIGTERM there may legitimately arrive after the run completed.
    for (const point of killPoints(Math.max(2, Math.floor(total * 0.8)), POINTS, E2E_SEED + 11)) {
      let sent = false;
      await stopThenResume(api, `sigterm-${point}`, {}, (stop) => ({
        onRequest: (request) => {
          if (!sent && request.n >= point) {
            sent = true;
            stop();
          }
          return undefined;
        },
      }), 'SIGTERM');
    }
  });

  it.concurrent.each(APIS)('%s: a request budget (maxRequests) stops the run within the budget; the next run continues', async (api) => {
    const budget = Math.max(2, Math.floor((totals[api] ?? 0) / 3));
    const { requests } = await stopThenResume(api, 'max-requests', { maxRequests: budget }, () => ({}), undefined);
    expect(requests).toBeLessThanOrEqual(budget);
  });

  it.concurrent.each(APIS)('%s: a time budget (deadline) stops the run; the next run continues', async (api) => {
    // 40 ms per request and a 600 ms deadline: the run cannot finish in time.
    await stopThenResume(api, 'deadline', { deadlineAfterMs: 600 }, () => ({ latencyMs: 40 }), undefined);
  });
});
