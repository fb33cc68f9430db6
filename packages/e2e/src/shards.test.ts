/**
 * Shards: a sync split over N shards (each its own state file, as the action keeps one per shard) writes every
 * record exactly once between them: the merge of every shard's run folders, over a first sync, changes to the
 * simulator's data and a second sync, equals the ground truth by the oracle (support/truth.ts).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIS, CHANGING_SEED, NO_DIFFERENCE, UNLIMITED_RATES, cleanDiff, connectorSetup, mergedDiff, scratchDir, seededRandom } from './support/harness.js';
import { syncInProcess } from './support/in-process.js';
import { MutationMemory, mutateData } from './support/mutations.js';
import { startSimulator } from './support/parts.js';
import type { Simulator } from './support/sim-types.js';
import type { ApiKind, SyncJob } from './support/sync-job.js';

const SEED = CHANGING_SEED;
const REPLAY = `seed ${SEED} (replay: FC_SEED=${SEED})`;

let sim: Simulator;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  sim = await startSimulator({ seed: SEED % 1000, size: 'tiny', rateLimits: UNLIMITED_RATES });
  scratch = await scratchDir('shards');
});

afterAll(async () => {
  await sim?.close();
  await scratch?.remove();
});

describe(`sharded syncs (${REPLAY})`, { timeout: 120_000 }, () => {
  it.each(APIS.flatMap((api) => [2, 3].map((count) => [api, count] as const)))('%s over %i shards: two syncs with changes between merge to the ground truth', async (api: ApiKind, count: number) => {
    const dir = join(scratch.path, `${api}-${count}`);
    const { config, credentials } = connectorSetup(api, sim);
    const job = (index: number, run: number): SyncJob => ({
      api,
      config,
      credentials,
      stateFile: join(dir, `shard-${index}`, 'state.json'),
      runDir: join(dir, `shard-${index}`, `run-${run}`),
      runId: `run-${run}`,
      shard: { index, count },
    });
    const runDirs: string[] = [];
    for (const run of [1, 2]) {
      for (let index = 1; index <= count; index++) {
        const result = await syncInProcess(job(index, run));
        expect(result.manifest?.status, `${REPLAY}: shard ${index}/${count} run ${run}: ${JSON.stringify(result.error ?? result.manifest?.errors)}`).toBe('complete');
        runDirs.push(job(index, run).runDir);
      }
      if (run === 1) mutateData(api, sim, seededRandom(SEED + count), 3, new MutationMemory());
    }
    const diff = await mergedDiff(api, sim, runDirs, join(dir, 'merged'));
    expect({ seed: SEED, ...cleanDiff(diff) }).toEqual({ seed: SEED, ...NO_DIFFERENCE });
  });
});
