/**
 * Faults turned high: 5xx, connection resets, stalls past the client's timeout, truncated and malformed bodies,
 * HTML error pages, 429 storms with and without Retry-After, and (Cloud) a row repeated across pages. Every run
 * either finishes or isolates the partitions it could not read, with an error code of the taxonomy, and leaves
 * their cursors untouched; the next runs (faults still on) complete, and the merged output equals the ground
 * truth. Retries stay within their cap: no identical request is sent more often than the attempt limit allows.
 */
import { join } from 'node:path';
import { ERROR_CODES, DEFAULT_RETRY_OPTIONS } from '@bbsync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIS, E2E_SEED, LARGE, NO_DIFFERENCE, UNLIMITED_RATES, cleanDiff, connectorSetup, mergedDiff, readStateFile, scratchDir, startChildSync } from './support/harness.js';
import { startSimulator } from './support/parts.js';
import type { Simulator, SimulatorFaults } from './support/sim-types.js';
import type { ApiKind, SyncJob, SyncOutcome } from './support/sync-job.js';

const SUITE_TIMEOUT = LARGE ? 900_000 : 150_000;
/** Runs allowed to reach a complete run with faults on. */
const MAX_RUNS = 6;

function faults(retryAfter: boolean): SimulatorFaults {
  return {
    seed: E2E_SEED,
    serverErrorRate: 0.06,
    resetRate: 0.04,
    stallRate: 0.02,
    stallMs: 1_500,
    truncateRate: 0.04,
    malformedJsonRate: 0.04,
    htmlErrorRate: 0.04,
    rateLimitRate: 0.06,
    retryAfter,
  };
}

let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  scratch = await scratchDir('faults');
});

afterAll(async () => {
  await scratch?.remove();
});

interface PartitionCursors {
  streams: Record<string, Record<string, unknown>>;
}

/** The committed entry of a partition named by key (or by its descriptor's name, which the manifest may use). */
function entryOf(state: PartitionCursors | undefined, stream: string, partition: string): unknown {
  const partitions = state?.streams[stream] ?? {};
  if (partition in partitions) return partitions[partition];
  for (const entry of Object.values(partitions)) {
    const name = (entry as { partition?: { name?: unknown } }).partition?.name;
    if (name === partition) return entry;
  }
  return undefined;
}

describe('faults turned high', { timeout: SUITE_TIMEOUT }, () => {
  it.concurrent.each(APIS.flatMap((api) => [[api, true] as const, [api, false] as const]))('%s (Retry-After on 429: %s): ends equal to the ground truth; failures isolated with their codes and cursors untouched; retries capped', async (api: ApiKind, retryAfter: boolean) => {
    const sim: Simulator = await startSimulator({
      seed: E2E_SEED % 1000,
      size: LARGE ? 'small' : 'tiny',
      rateLimits: UNLIMITED_RATES,
      faults: faults(retryAfter),
      // BCLOUD-23644: a list page repeats the last row of the previous page.
      switches: { repeatRowAcrossPages: true },
    });
    try {
      const dir = join(scratch.path, `${api}-${retryAfter ? 'retry-after' : 'no-retry-after'}`);
      const { config, credentials } = connectorSetup(api, sim);
      // Small pages: many more page boundaries (for the repeated rows) and many more requests to fault.
      const paged = api === 'cloud' ? { ...config, pageSizes: { repositories: 2, pullRequests: 3, commits: 7, pipelines: 3, members: 2, comments: 2, activity: 3 } } : { ...config, pageSize: 5 };
      const stateFile = join(dir, 'state.json');
      const runDirs: string[] = [];
      const statusCodes = new Set<string>();
      let last: SyncOutcome | undefined;
      let retries = 0;
      const statuses = new Set<string>();
      for (let run = 1; run <= MAX_RUNS; run += 1) {
        const runDir = join(dir, `run-${run}`);
        runDirs.push(runDir);
        const before = (await readStateFile(stateFile)) as PartitionCursors | undefined;
        sim[api].resetCounters();
        const job: SyncJob = { api, config: paged, credentials, stateFile, runDir, runId: `run-${run}`, concurrency: 4, timeoutMs: 1_000, maxWaitMs: 10_000 };
        const result = await startChildSync(job).done;
        last = result.outcome;
        retries += last?.retries ?? 0;
        for (const status of Object.keys(sim[api].counters().byStatus)) statuses.add(status);
        expect(last, result.stdout + result.stderr).toBeDefined();
        expect(last?.status, result.stdout + result.stderr).not.toBe('threw');
        const after = (await readStateFile(stateFile)) as PartitionCursors | undefined;
        for (const error of last?.errors ?? []) {
          expect(ERROR_CODES as readonly string[]).toContain(error.code);
          statusCodes.add(error.code);
          // An isolated partition keeps the cursor it had before the run.
          expect(entryOf(after, error.stream, error.partition), `${error.stream} ${error.partition} (${error.code})`).toEqual(entryOf(before, error.stream, error.partition));
        }
        // Retries stay within their cap: an identical request (method, path, query) is sent at most maxAttempts
        // times per logical request; listings that legitimately ask the same URL twice are allowed for.
        const log = (sim[api] as unknown as { requestLog(): readonly { method: string; path: string; api: string }[] }).requestLog();
        const perKey = new Map<string, number>();
        for (const entry of log) if (entry.api !== 'control') perKey.set(`${entry.method} ${entry.path}`, (perKey.get(`${entry.method} ${entry.path}`) ?? 0) + 1);
        const worst = Math.max(0, ...perKey.values());
        expect(worst).toBeLessThanOrEqual(DEFAULT_RETRY_OPTIONS.maxAttempts * 2);
        if (last?.status === 'complete' && (last.errors ?? []).length === 0) break;
      }
      // The faults did happen (and were retried): 5xx, 429 and resets (status 0) reached the client.
      expect(retries).toBeGreaterThan(0);
      expect([...statuses]).toEqual(expect.arrayContaining(['429', '0']));
      expect([...statuses].some((status) => status.startsWith('5'))).toBe(true);
      expect(last?.status, `not complete after ${MAX_RUNS} runs; error codes seen: ${[...statusCodes].join(', ')}`).toBe('complete');
      const diff = await mergedDiff(api, sim, runDirs, join(dir, 'merged'));
      expect(cleanDiff(diff)).toEqual(NO_DIFFERENCE);
    } finally {
      await sim.close();
    }
  });
});
