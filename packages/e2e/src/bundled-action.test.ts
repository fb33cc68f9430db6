/**
 * The bundled action (root `dist/`, main then post, as the runner runs them) for both sources, judged by content:
 * a budget-stopped run, a cancelled run (SIGINT mid-sync, post uploads what was checkpointed), a full run, the
 * simulator's data changed, and an incremental run, each restoring the cursor the previous one saved. The merge
 * of all their artifacts must equal the ground truth by the oracle (support/truth.ts), and the cursor each run
 * saved to the cache must be the state uploaded in its own artifact (a cursor saved ahead of its artifact would
 * make the next run skip data, which the union would then miss).
 *
 * Outages of the results service: the cache answering 503, dropping connections, or hanging must not fail the
 * sync (caching is optional); the artifact service doing so must fail the step with the cursor NOT saved. Every
 * step must end by itself, before the test's own bound (it is killed there, and that fails the test).
 *
 * The bundle is the committed one; without it these tests fail (scripts/test-summary.mjs also refuses a skip).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_BUNDLED, ACTION_MAIN, ACTION_POST, ACTION_TEST_SUPPORT } from './support/cli.js';
import { APIS, CHANGING_SEED, NO_DIFFERENCE, UNLIMITED_RATES, cleanDiff, mergedDiff, scratchDir, seededRandom } from './support/harness.js';
import { expandLayers, readZip } from './support/layers.js';
import { MutationMemory, mutateData } from './support/mutations.js';
import { startSimulator } from './support/parts.js';
import { startProxy, type RunningProxy } from './support/proxy.js';
import type { Simulator } from './support/sim-types.js';
import type { ApiKind } from './support/sync-job.js';

const SUITE_TIMEOUT = 600_000;
/** Longest a step may take before the test kills it (and fails): outages must not stall a run for long. */
const STEP_BOUND_MS = 240_000;
const SEED = CHANGING_SEED;
const REPLAY = `seed ${SEED} (replay: FC_SEED=${SEED})`;

type ServiceMode = 'ok' | 'down' | 'unavailable' | 'reset' | 'hang';

interface ResultsService {
  readonly url: string;
  cacheMode: ServiceMode;
  artifactMode: ServiceMode;
  readonly cacheEntries: readonly { key: string; blob: string; finalized: boolean }[];
  readonly artifacts: readonly { runBackendId: string; blob: string; finalized: boolean }[];
  blob(path: string): Buffer | undefined;
  close(): Promise<void>;
}

interface StepResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly state: Record<string, string>;
}

interface Support {
  runnerFiles(root: string, step: string): Promise<unknown>;
  inputEnv(inputs: Record<string, string>): Record<string, string>;
  stateEnv(state: Record<string, string>): Record<string, string>;
  fakeRuntimeToken(run: string, job: string): string;
  startResultsService(): Promise<ResultsService>;
  startStep(entry: string, files: unknown, env: Record<string, string>): { child: { kill(signal: string): boolean }; waitForOutput(pattern: RegExp): Promise<void>; done: Promise<StepResult> };
}

let sim: Simulator;
let results: ResultsService;
let support: Support;
let scratch: Awaited<ReturnType<typeof scratchDir>>;
let nextRun = 7000;

beforeAll(async () => {
  sim = await startSimulator({ seed: SEED % 1000, size: 'tiny', rateLimits: UNLIMITED_RATES });
  scratch = await scratchDir('bundled');
  if (!ACTION_BUNDLED) return;
  const runAction = (await import(/* @vite-ignore */ `${ACTION_TEST_SUPPORT}run-action.ts`)) as Record<string, unknown>;
  const service = (await import(/* @vite-ignore */ `${ACTION_TEST_SUPPORT}results-service.ts`)) as Record<string, unknown>;
  support = { ...runAction, ...service } as unknown as Support;
  results = await support.startResultsService();
});

afterAll(async () => {
  await results?.close();
  await sim?.close();
  await scratch?.remove();
});

function sourceInputs(api: ApiKind, baseUrl: (url: string) => string): Record<string, string> {
  if (api === 'cloud') {
    const credential = sim.cloud.credentials.workspaceToken?.config;
    return { source: 'cloud', workspace: sim.cloud.workspace, 'base-url': baseUrl(sim.cloud.baseUrl), credentials: JSON.stringify([credential]) };
  }
  return { source: 'datacenter', 'base-url': baseUrl(sim.datacenter.baseUrl), credentials: JSON.stringify([sim.datacenter.credentials.admin?.config]) };
}

interface ActionRun {
  readonly runId: number;
  readonly main: StepResult;
  readonly post: StepResult;
}

/** Runs main then post on a fresh runner (state only comes from the cache), each killed at the bound if it hangs. */
async function runAction(inputs: Record<string, string>, options: { service?: ResultsService; resultsUrl?: string; cancelAfter?: RegExp } = {}): Promise<ActionRun> {
  const runId = (nextRun += 1);
  const root = join(scratch.path, String(runId));
  const resultsUrl = options.resultsUrl ?? (options.service ?? results).url;
  const env = {
    ACTIONS_RESULTS_URL: resultsUrl,
    ACTIONS_CACHE_SERVICE_V2: 'true',
    ACTIONS_RUNTIME_TOKEN: support.fakeRuntimeToken(String(runId), '1'),
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REPOSITORY: 'acme/bbsync-e2e',
    GITHUB_API_URL: resultsUrl.replace(/\/$/, ''),
    ...support.inputEnv({ 'max-rate-limit-wait-minutes': '0.5', ...inputs }),
  };
  const bounded = async (step: ReturnType<Support['startStep']>, name: string): Promise<StepResult> => {
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      step.child.kill('SIGKILL');
    }, STEP_BOUND_MS);
    const result = await step.done.finally(() => clearTimeout(timer));
    expect(killed, `${name} of run ${runId} did not end by itself within ${STEP_BOUND_MS} ms: ${result.stdout}`).toBe(false);
    return result;
  };
  const mainStep = support.startStep(ACTION_MAIN, await support.runnerFiles(root, 'main'), env);
  if (options.cancelAfter !== undefined) {
    // The runner: SIGINT first (then SIGTERM, then a kill, which the bound stands in for).
    void mainStep
      .waitForOutput(options.cancelAfter)
      .then(() => mainStep.child.kill('SIGINT'))
      .catch(() => undefined);
  }
  const main = await bounded(mainStep, 'main');
  const post = await bounded(support.startStep(ACTION_POST, await support.runnerFiles(root, 'post'), { ...env, ...support.stateEnv(main.state) }), 'post');
  return { runId, main, post };
}

function artifactOf(run: ActionRun, service: ResultsService = results): Map<string, Buffer> | undefined {
  const artifact = service.artifacts.find((a) => a.runBackendId === String(run.runId) && a.finalized);
  return artifact === undefined ? undefined : readZip(service.blob(artifact.blob) ?? Buffer.alloc(0));
}

/** The state document inside the cache archive a run saved (undefined when it saved none). */
function cachedStateOf(run: ActionRun, service: ResultsService = results): unknown {
  const entry = service.cacheEntries.find((e) => e.finalized && e.key.endsWith(`-${run.runId}-1`));
  if (entry === undefined) return undefined;
  const layers = expandLayers('cache', service.blob(entry.blob) ?? Buffer.alloc(0));
  const state = layers.find((layer) => /state\.json$/.test(layer.name) && !layer.name.endsWith('(latin1)'));
  expect(state, `run ${run.runId}: the cache archive holds a state.json (${layers.map((l) => l.name).join(', ')})`).toBeDefined();
  return JSON.parse(state?.text ?? 'null');
}

/** Writes an artifact's files into a run folder that merge can read. */
async function unpack(files: Map<string, Buffer>, dir: string): Promise<void> {
  for (const [name, data] of files) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  }
}

/** The cursors of a state document (what decides what the next run reads). */
function cursors(state: unknown): unknown {
  return (state as { streams?: unknown } | null)?.streams;
}

describe.skipIf(!ACTION_BUNDLED)(`the bundled action, both sources, by content (${REPLAY})`, { timeout: SUITE_TIMEOUT }, () => {
  it.concurrent.each(APIS)('%s: budget-stopped, cancelled, full and incremental runs: their artifacts merge to the ground truth; each saved cursor is its artifact\'s', async (api) => {
    const slow: RunningProxy = await startProxy(sim.origin, { latencyMs: 40 });
    try {
      const prefix = `content-${api}-${SEED}`;
      const inputs = sourceInputs(api, (url) => url);
      const runs: { what: string; run: ActionRun }[] = [];

      const budget = await runAction({ ...inputs, 'cache-key-prefix': prefix, 'max-requests': '5', concurrency: '1' });
      expect(budget.main.code, budget.main.stdout + budget.main.stderr).toBe(0);
      expect(budget.main.outputs.status).toBe('stopped');
      runs.push({ what: 'budget-stopped', run: budget });

      const cancelled = await runAction({ ...sourceInputs(api, (url) => url.replace(sim.origin, slow.origin)), 'cache-key-prefix': prefix, concurrency: '1' }, { cancelAfter: /stream \S+ done/ });
      expect(cancelled.post.code, cancelled.post.stdout + cancelled.post.stderr).toBe(0);
      runs.push({ what: 'cancelled', run: cancelled });

      const full = await runAction({ ...inputs, 'cache-key-prefix': prefix });
      expect(full.main.code, full.main.stdout + full.main.stderr).toBe(0);
      expect(full.main.outputs.status).toBe('complete');
      expect(full.main.stdout).toContain('Cursor restored from the cache');
      runs.push({ what: 'full', run: full });

      const changes = mutateData(api, sim, seededRandom(SEED + (api === 'cloud' ? 11 : 12)), 4, new MutationMemory());
      const incremental = await runAction({ ...inputs, 'cache-key-prefix': prefix });
      expect(incremental.main.code, incremental.main.stdout + incremental.main.stderr).toBe(0);
      expect(incremental.main.outputs.status).toBe('complete');
      expect(Number(incremental.main.outputs.requests)).toBeLessThan(Number(full.main.outputs.requests));
      runs.push({ what: 'incremental', run: incremental });

      const dirs: string[] = [];
      for (const { what, run } of runs) {
        const files = artifactOf(run);
        expect(files, `${REPLAY}: the ${what} run uploaded an artifact`).toBeDefined();
        const uploaded = JSON.parse(files?.get('state.json')?.toString('utf8') ?? 'null') as unknown;
        // The cursor saved is exactly the one uploaded with the data it covers: never ahead of it.
        expect({ what, cursors: cursors(cachedStateOf(run)) }).toEqual({ what, cursors: cursors(uploaded) });
        const dir = join(scratch.path, `${api}-artifact-${run.runId}`);
        await unpack(files ?? new Map(), dir);
        dirs.push(dir);
      }
      const diff = await mergedDiff(api, sim, dirs, join(scratch.path, `${api}-artifacts-merged`));
      expect({ seed: SEED, changes, ...cleanDiff(diff) }).toEqual({ seed: SEED, changes, ...NO_DIFFERENCE });
    } finally {
      await slow.close();
    }
  });

  // The artifact service hanging is left out: the upload has no time limit of its own yet (a hung upload holds the
  // step until the runner's job timeout); see the e2e README.
  const OUTAGES: { service: 'cache' | 'artifact'; mode: ServiceMode }[] = [
    { service: 'cache', mode: 'unavailable' },
    { service: 'cache', mode: 'reset' },
    { service: 'cache', mode: 'hang' },
    { service: 'artifact', mode: 'unavailable' },
    { service: 'artifact', mode: 'reset' },
  ];

  // Each case has a results service of its own, so the cases run side by side (most of their time is waiting).
  it.concurrent.each(OUTAGES)('the $service service $mode: the sync succeeds (cache) or fails naming the upload (artifact), no cursor saved, every step ends by itself', async ({ service, mode }) => {
    const own = await support.startResultsService();
    try {
      const api: ApiKind = service === 'cache' ? 'cloud' : 'datacenter';
      if (service === 'cache') own.cacheMode = mode;
      else own.artifactMode = mode;
      const run = await runAction({ ...sourceInputs(api, (url) => url), 'cache-key-prefix': `outage-${service}-${mode}-${SEED}` }, { service: own });
      expect(cachedStateOf(run, own)).toBeUndefined();
      if (service === 'cache') {
        expect(run.main.code, run.main.stdout + run.main.stderr).toBe(0);
        expect(run.main.outputs.status).toBe('complete');
        expect(artifactOf(run, own)).toBeDefined();
      } else {
        expect(run.main.code).not.toBe(0);
        expect(run.main.stdout).toMatch(/::error::The artifact .* was not uploaded/);
      }
    } finally {
      await own.close();
    }
  });

  it('a results service that refuses connections: the sync runs, the upload failure is reported, no cursor is saved', async () => {
    const closed = await startProxy(sim.origin);
    const refusing = closed.origin;
    await closed.close();
    const run = await runAction({ ...sourceInputs('cloud', (url) => url), 'cache-key-prefix': `refused-${SEED}` }, { resultsUrl: `${refusing}/` });
    expect(run.main.code).not.toBe(0);
    expect(run.main.stdout).toMatch(/::error::The artifact .* was not uploaded/);
    expect(run.main.outputs['cursor-key']).toBe('');
  });
});

it.runIf(!ACTION_BUNDLED)('the bundled action exists (root dist/main and dist/post)', () => {
  expect(ACTION_BUNDLED).toBe(true);
});
