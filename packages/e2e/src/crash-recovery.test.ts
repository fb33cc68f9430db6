/**
 * Crash anywhere, lose nothing. A sync (core's engine + a connector, in a child process) is SIGKILLed at points
 * drawn from a seed that changes every run (printed in the test title and every failure; replay with FC_SEED):
 * - when the N-th request arrives at a counting proxy (before it is answered), or
 * - on the write path, by the child itself through core's test-only kill switch (`BBSYNC_TEST_KILL_AT`, see
 *   core/src/state/kill-points.ts): after a segment's fsync (before its rename), after its rename (before the
 *   folder fsync and the cursor commit), before and after the state file's rename.
 * Each chain kills its first, second and third run, changes the simulator's data after every kill (pushes, pull
 * requests, comments, merges, declines, pipelines, renames, new and deleted repositories), then runs once more
 * to completion. The merged output of all the chain's run folders must equal the ground truth by the oracle
 * (support/truth.ts), on full content: a cursor ahead of its data would make a later run skip records, a
 * segment made final twice would duplicate them, a stale record would differ.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KILL_POINTS } from '@bbsync/core';
import { listFiles } from './support/files.js';
import { APIS, CHANGING_SEED, LARGE, NO_DIFFERENCE, UNLIMITED_RATES, cleanDiff, connectorSetup, mergedDiff, readStateFile, scratchDir, seededRandom, startChildSync } from './support/harness.js';
import { MutationMemory, mutateData } from './support/mutations.js';
import { startSimulator } from './support/parts.js';
import { startProxy, type RunningProxy } from './support/proxy.js';
import type { Simulator } from './support/sim-types.js';
import type { ApiKind, SyncJob } from './support/sync-job.js';

/** Kill points that must land per connector (each killed run is one): at least 50 in CI. */
const KILLS_PER_CONNECTOR = LARGE ? 150 : 51;
/** Killed runs per chain before its clean run: the first, a middle and a later run. */
const KILLED_RUNS_PER_CHAIN = 3;
/** A chain whose armed point lies past the end of a run lands fewer kills; more chains make up for it, up to this many. */
const MAX_CHAINS = Math.ceil((KILLS_PER_CONNECTOR / KILLED_RUNS_PER_CHAIN) * 2);
const SUITE_TIMEOUT = LARGE ? 3_600_000 : 420_000;
const SEED = CHANGING_SEED;
const REPLAY = `seed ${SEED} (replay: FC_SEED=${SEED})`;

let sim: Simulator;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  sim = await startSimulator({ seed: SEED % 1000, size: LARGE ? 'small' : 'tiny', rateLimits: UNLIMITED_RATES });
  scratch = await scratchDir('crash');
});

afterAll(async () => {
  await sim?.close();
  await scratch?.remove();
});

/** A proxy whose armed request number SIGKILLs the current child when that request arrives (it is never answered). */
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

/** What a complete first sync takes, per connector: the kill points of first runs are spread over it. */
const baselines: Partial<Record<ApiKind, { requests: number; segments: number }>> = {};

beforeAll(async () => {
  await Promise.all(
    APIS.map(async (api) => {
      const dir = join(scratch.path, `${api}-baseline`);
      const proxy = await startProxy(sim.origin);
      try {
        const result = await startChildSync(job(api, proxy.origin, dir, 1)).done;
        expect(result.outcome?.status, result.stdout + result.stderr).toBe('complete');
        const segments = (await listFiles(join(dir, 'run-1', 'streams'))).length;
        baselines[api] = { requests: proxy.count(), segments };
        const diff = await mergedDiff(api, sim, [join(dir, 'run-1')], join(dir, 'merged'));
        expect(cleanDiff(diff)).toEqual(NO_DIFFERENCE);
      } finally {
        await proxy.close();
      }
    }),
  );
}, SUITE_TIMEOUT);

type Kill = { readonly kind: 'request'; readonly n: number } | { readonly kind: 'write'; readonly at: string };

/** A kill point for a run: a first run's is spread over a whole sync, a later run's over the first few steps (they do less). */
function drawKill(random: () => number, api: ApiKind, firstRun: boolean): Kill {
  const baseline = baselines[api] ?? { requests: 2, segments: 2 };
  const kinds = ['request', ...KILL_POINTS] as const;
  const kind = kinds[Math.floor(random() * kinds.length)] ?? 'request';
  const within = (total: number, later: number) => 1 + Math.floor(random() * (firstRun ? total : Math.min(total, later)));
  if (kind === 'request') return { kind, n: within(baseline.requests, 8) };
  return { kind: 'write', at: `${kind}:${within(baseline.segments, 4)}` };
}

const describeKills = (name: string, body: () => void) => describe(name, { timeout: SUITE_TIMEOUT }, body);

describeKills(`SIGKILL on request arrivals and on the write path, data changed before each rerun (${REPLAY})`, () => {
  it.concurrent.each(APIS)(`%s: ${KILLS_PER_CONNECTOR} kill points, then merged runs equal the ground truth (${REPLAY})`, async (api) => {
    expect(baselines[api]?.requests ?? 0).toBeGreaterThan(2);
    let landed = 0;
    const memory = new MutationMemory();
    for (let chain = 0; chain < MAX_CHAINS && landed < KILLS_PER_CONNECTOR; chain++) {
      const random = seededRandom(SEED + chain * 7919 + (api === 'cloud' ? 1 : 2));
      const dir = join(scratch.path, `${api}-chain-${chain}`);
      const history: string[] = [];
      const { proxy, arm } = await killingProxy();
      try {
        let run = 1;
        for (; run <= KILLED_RUNS_PER_CHAIN; run++) {
          const kill = drawKill(random, api, run === 1);
          const child = startChildSync(job(api, proxy.origin, dir, run), kill.kind === 'write' ? kill.at : undefined);
          if (kill.kind === 'request') arm(kill.n, () => child.run.child.kill('SIGKILL'));
          const result = await child.done;
          const where = kill.kind === 'request' ? `request ${kill.n}` : kill.at;
          if (result.signal === 'SIGKILL') {
            landed += 1;
            history.push(`run ${run} killed at ${where}`);
          } else {
            // The point lay past the end of this run: it completed, which a chain may do.
            expect(result.outcome?.status, `${REPLAY}: run ${run} (armed at ${where}) ${result.stdout}${result.stderr}`).toBe('complete');
            history.push(`run ${run} completed before ${where}`);
          }
          arm(Number.POSITIVE_INFINITY, () => undefined);
          // The state a crash leaves is always a readable document (temp file + fsync + rename).
          await readStateFile(join(dir, 'state.json'));
          history.push(...mutateData(api, sim, random, 1 + Math.floor(random() * 2), memory));
        }
        const last = await startChildSync(job(api, proxy.origin, dir, run)).done;
        expect(last.outcome?.status, `${REPLAY} chain ${chain}: ${history.join('; ')}: ${last.stdout}${last.stderr}`).toBe('complete');
        const runDirs = Array.from({ length: run }, (_, index) => join(dir, `run-${index + 1}`));
        const diff = await mergedDiff(api, sim, runDirs, join(dir, 'merged'));
        expect({ seed: SEED, chain, history, ...cleanDiff(diff) }).toEqual({ seed: SEED, chain, history, ...NO_DIFFERENCE });
      } finally {
        await proxy.close();
        await rm(dir, { recursive: true, force: true });
      }
    }
    expect(landed, `${REPLAY}: kills that landed`).toBeGreaterThanOrEqual(KILLS_PER_CONNECTOR);
  });
});
