/**
 * The scenario harness: a simulator, a connector configuration for it (optionally through a proxy), sync runs in
 * child processes, and the check that the merged output of all runs equals the simulator's ground truth.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KILL_AT_VARIABLE, type CredentialConfig } from '@bbsync/core';
import { spawnNode, supportFile, type ChildRun } from './child-node.js';
import { loadCore } from './parts.js';
import { startProxy } from './proxy.js';
import type { Simulator } from './sim-types.js';
import { parseOutcome, type ApiKind, type SyncJob, type SyncOutcome } from './sync-job.js';
import { actualRecords, diffRecords, expectedRecords, type TruthDiff } from './truth.js';

/** Both connectors, for `describe.each`. */
export const APIS: readonly ApiKind[] = ['cloud', 'datacenter'];

/** True when the large variants were asked for (`BBSYNC_E2E_LARGE=1`). */
export const LARGE = process.env.BBSYNC_E2E_LARGE === '1';

/** Simulator options every scenario starts from: rate limits that never get in the way unless a test wants them. */
export const UNLIMITED_RATES = { cloudPerHour: 10_000_000 } as const;

/** A connector's raw config and credentials for the simulator, reached at `origin` (the simulator's or a proxy's). */
export function connectorSetup(api: ApiKind, sim: Simulator, origin = sim.origin): { config: Record<string, unknown>; credentials: CredentialConfig[] } {
  if (api === 'cloud') {
    const credential = sim.cloud.credentials.workspaceToken;
    if (credential === undefined) throw new Error('the Cloud simulator has no workspaceToken credential');
    return {
      config: { workspace: sim.cloud.workspace, baseUrl: sim.cloud.baseUrl.replace(sim.origin, origin) },
      // The client's own budget (1,000 per hour) would stop a test that syncs more than once per process.
      credentials: [{ ...credential.config, requestsPerHour: 10_000_000 }],
    };
  }
  const credential = sim.datacenter.credentials.admin;
  if (credential === undefined) throw new Error('the Data Center simulator has no admin credential');
  return {
    config: { baseUrl: sim.datacenter.baseUrl.replace(sim.origin, origin), rateLimit: false },
    credentials: [credential.config],
  };
}

/** A scratch folder, removed by the returned function. */
export async function scratchDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `bbsync-e2e-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface ChildSync {
  readonly run: ChildRun;
  /** Resolves when the child exited, with its outcome line (undefined when killed before printing it). */
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; outcome: SyncOutcome | undefined; stdout: string; stderr: string }>;
}

/** Starts one sync in a child process; `killAt` arms a write-path kill point (`<point>:<n>`, see core's kill-points.ts). */
export function startChildSync(job: SyncJob, killAt?: string): ChildSync {
  const run = spawnNode(supportFile('sync-child.ts'), { env: { BBSYNC_E2E_JOB: JSON.stringify(job), ...(killAt === undefined ? {} : { [KILL_AT_VARIABLE]: killAt }) } });
  const done = run.exited.then(({ code, signal }) => ({ code, signal, outcome: parseOutcome(run.stdout()), stdout: run.stdout(), stderr: run.stderr() }));
  return { run, done };
}

/** Merges run folders (those that exist) into `<dir>/merged` and compares with the simulator's ground truth. */
export async function mergedDiff(
  api: ApiKind,
  sim: Simulator,
  runDirs: readonly string[],
  outputDir: string,
  /** Compare only these output streams (those a run selected). @default all */
  only?: readonly string[],
): Promise<TruthDiff & { duplicates: string[]; counts: Record<string, number> }> {
  const core = await loadCore();
  await core.mergeRuns({ inputs: runDirs.filter((dir) => existsSync(dir)), outputDir });
  const { records, duplicates } = await actualRecords(api, core.readRecords, outputDir);
  const expected = await expectedRecords(api, sim);
  if (only !== undefined) {
    for (const stream of [...expected.records.keys()]) if (!only.includes(stream)) expected.records.delete(stream);
    for (const stream of [...records.keys()]) if (!only.includes(stream)) records.delete(stream);
  }
  const diff = diffRecords(api, expected, records);
  const counts = Object.fromEntries([...records].map(([stream, keyed]) => [stream, keyed.size]));
  return { ...diff, duplicates, counts };
}

/** The state file parsed (undefined when there is none yet): a crash must never leave it unreadable. */
export async function readStateFile(path: string): Promise<{ streams: Record<string, Record<string, unknown>> } | undefined> {
  if (!existsSync(path)) return undefined;
  return JSON.parse(await readFile(path, 'utf8')) as { streams: Record<string, Record<string, unknown>> };
}

/** A small seeded generator (mulberry32) for kill points: the same seed picks the same points. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct request numbers in [1, total], always including the first and the last, seeded. */
export function killPoints(total: number, count: number, seed: number): number[] {
  const random = seededRandom(seed);
  const points = new Set<number>([1, Math.max(1, total)]);
  while (points.size < Math.min(count, total)) points.add(1 + Math.floor(random() * total));
  return [...points].sort((a, b) => a - b);
}

/** The seed of this test run: FC_SEED when given (to replay a failure), else a fixed one. */
export const E2E_SEED = Number(process.env.FC_SEED ?? 20_261_124);

/**
 * The seed of the kill suite: FC_SEED when given (to replay a failure), else a new one every run, so CI explores
 * new kill points and data each time. Suites that use it name it in their test titles and failure messages.
 */
export const CHANGING_SEED = process.env.FC_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FC_SEED);

/** Runs one uninterrupted sync through a counting proxy: how many requests a complete sync sends. */
export async function baselineRun(sim: Simulator, job: (origin: string) => SyncJob): Promise<{ requests: number; outcome: SyncOutcome | undefined; log: string }> {
  const proxy = await startProxy(sim.origin);
  try {
    const result = await startChildSync(job(proxy.origin)).done;
    return { requests: proxy.count(), outcome: result.outcome, log: result.stdout + result.stderr };
  } finally {
    await proxy.close();
  }
}

/** The comparison every scenario ends with, in one object so a failure shows everything at once. */
export function cleanDiff(diff: TruthDiff & { duplicates: string[] }): Pick<TruthDiff, 'missing' | 'unexpected' | 'stale'> & { duplicates: string[] } {
  return { missing: diff.missing, unexpected: diff.unexpected, stale: diff.stale, duplicates: diff.duplicates };
}

/** What {@link cleanDiff} must equal. */
export const NO_DIFFERENCE = { missing: [], unexpected: [], stale: [], duplicates: [] };
