/**
 * End-to-end: the BUNDLED action (root dist/main/index.js and dist/post/index.js) run as the runner runs it,
 * against the simulator and a local results service (cache v2 + artifact v4 + blob store).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeRuntimeToken, startResultsService, type ResultsService } from '../test-support/results-service.js';
import { inputEnv, runnerFiles, startStep, stateEnv, type StepResult } from '../test-support/run-action.js';
import { readZip } from '../test-support/zip.js';
import { pickCredential, startTestSimulator, type TestSimulator } from '../demo/simulator.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = join(ROOT, 'dist/main/index.js');
const POST = join(ROOT, 'dist/post/index.js');
const bundled = existsSync(MAIN) && existsSync(POST);

let sim: TestSimulator;
let results: ResultsService;
let scratch: string;
let nextRun = 1000;

beforeAll(async () => {
  if (!bundled) return;
  sim = await startTestSimulator({ size: 'tiny' });
  results = await startResultsService();
  scratch = await mkdtemp(join(tmpdir(), 'bbsync-e2e-'));
});

afterAll(async () => {
  await sim?.close();
  await results?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

interface ActionRun {
  readonly main: StepResult;
  readonly post: StepResult;
  readonly runId: number;
  readonly artifactName: string;
}

function cloudInputs(extra: Record<string, string> = {}): Record<string, string> {
  const credential = pickCredential(sim.cloud.credentials);
  return {
    source: 'cloud',
    workspace: sim.cloud.workspace,
    'base-url': sim.cloud.baseUrl,
    credentials: JSON.stringify([credential]),
    'max-rate-limit-wait-minutes': '0.5',
    ...extra,
  };
}

function runnerEnv(runId: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ACTIONS_RESULTS_URL: results.url,
    ACTIONS_CACHE_SERVICE_V2: 'true',
    ACTIONS_RUNTIME_TOKEN: fakeRuntimeToken(String(runId), '1'),
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REPOSITORY: 'acme/bbsync-e2e',
    GITHUB_API_URL: results.url.replace(/\/$/, ''),
    ...extra,
  };
}

/** Runs main then post, each in a fresh runner folder set (a new machine: state only comes from the cache). */
async function runAction(inputs: Record<string, string>, options: { env?: Record<string, string>; cancelAfter?: RegExp } = {}): Promise<ActionRun> {
  const runId = (nextRun += 1);
  const root = join(scratch, String(runId));
  const mainFiles = await runnerFiles(root, 'main');
  const env = { ...runnerEnv(runId, options.env), ...inputEnv(inputs) };
  const step = startStep(MAIN, mainFiles, env);
  if (options.cancelAfter) {
    await step.waitForOutput(options.cancelAfter);
    // The runner: SIGINT, then SIGTERM 7.5 s later, then a kill 2.5 s after that.
    step.child.kill('SIGINT');
    const term = setTimeout(() => step.child.kill('SIGTERM'), 7_500);
    const kill = setTimeout(() => step.child.kill('SIGKILL'), 10_000);
    void step.done.finally(() => {
      clearTimeout(term);
      clearTimeout(kill);
    });
  }
  const main = await step.done;
  const postFiles = await runnerFiles(root, 'post');
  const post = await startStep(POST, postFiles, { ...env, ...stateEnv(main.state) }).done;
  return { main, post, runId, artifactName: main.outputs['artifact-name'] ?? inputs['artifact-name'] ?? 'bbsync' };
}

function artifactFiles(run: ActionRun): Map<string, Buffer> {
  const artifact = results.artifacts.find((a) => a.runBackendId === String(run.runId) && a.finalized);
  expect(artifact, `an artifact of run ${run.runId}`).toBeDefined();
  return readZip(results.blob(artifact?.blob ?? '') as Buffer);
}

function recordsIn(files: Map<string, Buffer>): { stream: string; key: string; deleted: boolean }[] {
  const records: { stream: string; key: string; deleted: boolean }[] = [];
  for (const [name, data] of files) {
    if (!name.startsWith('streams/')) continue;
    const text = (name.endsWith('.gz') ? gunzipSync(data) : data).toString('utf8');
    for (const line of text.split('\n')) if (line) records.push(JSON.parse(line) as { stream: string; key: string; deleted: boolean });
  }
  return records;
}

function cacheSavedBy(run: ActionRun): boolean {
  return results.cacheEntries.some((e) => e.finalized && e.key.endsWith(`-${run.runId}-1`));
}

const describeBundled = bundled ? describe : describe.skip;

describeBundled('the bundled action (dist/)', { timeout: 120_000 }, () => {
  it('run 1 syncs fully and saves a cursor; run 2 restores it and syncs only the changes', async () => {
    const prefix = 'e2e-incremental';
    const first = await runAction(cloudInputs({ 'cache-key-prefix': prefix }));
    expect(first.main.code, first.main.stdout + first.main.stderr).toBe(0);
    expect(first.main.outputs.status).toBe('complete');
    expect(first.main.outputs.complete).toBe('true');
    expect(first.main.outputs['cursor-key']).toMatch(new RegExp(`^${prefix}-[0-9a-f]{16}-${first.runId}-1$`));
    expect(first.main.stdout).toContain('No cursor found: first sync');
    expect(cacheSavedBy(first)).toBe(true);
    expect(first.post.stdout).toContain('main finished; nothing left to upload');

    const files = artifactFiles(first);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['manifest.json', 'state.json', 'summary.md', 'bbsync.sqlite', 'metrics.json', 'report.html']));
    // The figures open the summary and are outputs, the same as metrics.json.
    expect(first.main.summary.trimStart()).toMatch(/^### Pull request flow and delivery/);
    expect(JSON.parse(first.main.outputs.metrics ?? '{}')).toEqual(JSON.parse((files.get('metrics.json') as Buffer).toString('utf8')));
    expect(first.main.outputs['prs-merged-7d']).toMatch(/^\d+$/);
    expect([...files.keys()].some((name) => /^streams\/[^/]+\/.+\.jsonl\.gz$/.test(name))).toBe(true);
    expect([...files.keys()].some((name) => name.endsWith('.partial'))).toBe(false);
    const manifest = JSON.parse((files.get('manifest.json') as Buffer).toString('utf8')) as { status: string; streams: Record<string, { records: number; deleted: number }> };
    const records = recordsIn(files);
    const total = Object.values(manifest.streams).reduce((sum, c) => sum + c.records + c.deleted, 0);
    expect(records.length).toBe(total);
    expect(records.length).toBeGreaterThan(0);
    expect(JSON.parse(first.main.outputs.records ?? '{}')).toEqual(Object.fromEntries(Object.entries(manifest.streams).map(([s, c]) => [s, c.records])));
    expect(first.main.summary).toContain('## bbsync cloud');
    expect(first.main.summary).toContain('| Stream | Records |');

    // Credentials never reach logs, outputs, the summary or the artifact.
    const secret = pickCredential(sim.cloud.credentials);
    // `::add-mask::<secret>` is the masking command itself (the runner consumes it, nothing shows it).
    const withoutMaskCommands = first.main.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')).join('\n');
    const everything = [withoutMaskCommands, first.main.stderr, first.main.summary, JSON.stringify(first.main.outputs), ...[...files.values()].map((b) => b.toString('latin1'))].join('\n');
    for (const value of Object.values(secret)) if (typeof value === 'string' && value.length > 6 && !value.includes('@')) expect(everything).not.toContain(value);

    await sim.applyActivity();
    const second = await runAction(cloudInputs({ 'cache-key-prefix': prefix }));
    expect(second.main.code, second.main.stdout + second.main.stderr).toBe(0);
    expect(second.main.stdout).toMatch(/Cursor restored from the cache \(e2e-incremental-[0-9a-f]{16}-\d+-1\)/);
    expect(Number(second.main.outputs.requests)).toBeLessThan(Number(first.main.outputs.requests));
    const changed = recordsIn(artifactFiles(second));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(records.length);
    expect(cacheSavedBy(second)).toBe(true);
  });

  it('cache service down: a warning, and the sync still succeeds (cursor not saved)', async () => {
    results.cacheMode = 'down';
    try {
      const run = await runAction(cloudInputs({ 'cache-key-prefix': 'e2e-cache-down' }));
      expect(run.main.code, run.main.stdout + run.main.stderr).toBe(0);
      expect(run.main.stdout).toMatch(/::warning::.*(restore|cache)/i);
      expect(run.main.outputs.status).toBe('complete');
      expect(run.main.outputs['cursor-key']).toBe('');
      expect(run.main.outputs['artifact-id']).toMatch(/^\d+$/);
      expect(cacheSavedBy(run)).toBe(false);
      expect(run.main.summary).toContain('not saved');
    } finally {
      results.cacheMode = 'ok';
    }
  });

  it('artifact service down: the failure is reported and the cursor is NOT saved', async () => {
    results.artifactMode = 'down';
    try {
      const run = await runAction(cloudInputs({ 'cache-key-prefix': 'e2e-artifact-down' }));
      expect(run.main.code).not.toBe(0);
      expect(run.main.stdout).toMatch(/::error::The artifact .* was not uploaded/);
      expect(run.main.outputs['artifact-id']).toBe('');
      expect(run.main.outputs['cursor-key']).toBe('');
      expect(cacheSavedBy(run)).toBe(false);
      expect(run.main.summary).toContain('not uploaded');
      // Post sees main finished: it does not retry.
      expect(run.post.stdout).toContain('nothing left to upload');
    } finally {
      results.artifactMode = 'ok';
    }
  });

  it('a budget stop ends the run normally; the next run continues', async () => {
    const prefix = 'e2e-budget';
    const first = await runAction(cloudInputs({ 'cache-key-prefix': prefix, 'max-requests': '3', concurrency: '1' }));
    expect(first.main.code, first.main.stdout + first.main.stderr).toBe(0);
    expect(first.main.outputs.status).toBe('stopped');
    expect(first.main.outputs.complete).toBe('false');
    expect(Number(first.main.outputs.requests)).toBeLessThanOrEqual(3);
    expect(cacheSavedBy(first)).toBe(true);
    expect(first.main.summary).toContain('Stopped early');

    const next = await runAction(cloudInputs({ 'cache-key-prefix': prefix }));
    expect(next.main.code).toBe(0);
    expect(next.main.stdout).toContain('Cursor restored from the cache');
    expect(next.main.outputs.status).toBe('complete');
  });

  it('cancellation: main stops at a checkpoint; post uploads what was checkpointed and saves the cursor', async () => {
    const slow = await startTestSimulator({ size: 'tiny', latencyMs: 40 });
    try {
      const credential = pickCredential(slow.cloud.credentials);
      const inputs = { ...cloudInputs({ 'cache-key-prefix': 'e2e-cancel', concurrency: '1' }), 'base-url': slow.cloud.baseUrl, workspace: slow.cloud.workspace, credentials: JSON.stringify([credential]) };
      const run = await runAction(inputs, { cancelAfter: /stream \S+ done/ });
      expect(run.main.code).not.toBe(0);
      expect(run.main.stdout).toContain('Received SIGINT');
      expect(run.main.state['bbsync-phase']).toBe('cancelled');
      expect(run.post.code, run.post.stdout + run.post.stderr).toBe(0);
      expect(run.post.stdout).toContain('uploading what was checkpointed');
      const files = artifactFiles(run);
      expect([...files.keys()]).toEqual(expect.arrayContaining(['manifest.json', 'state.json']));
      expect(cacheSavedBy(run)).toBe(true);
      const state = JSON.parse((files.get('state.json') as Buffer).toString('utf8')) as { streams: Record<string, Record<string, unknown>> };
      expect(Object.keys(state.streams).length).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
  });

  it('without a cached cursor, finds the state in the newest artifact of an earlier run', async () => {
    const name = 'e2e-fallback';
    const first = await runAction(cloudInputs({ 'cache-key-prefix': 'e2e-fallback-a', 'artifact-name': name }));
    expect(first.main.code).toBe(0);
    const second = await runAction(cloudInputs({ 'cache-key-prefix': 'e2e-fallback-b', 'artifact-name': name, 'github-token': 'ghs_e2eFakeToken000000' }));
    expect(second.main.code, second.main.stdout + second.main.stderr).toBe(0);
    expect(second.main.stdout).toContain(`Cursor restored from artifact ${name} of run ${first.runId}`);
    expect(Number(second.main.outputs.requests)).toBeLessThan(Number(first.main.outputs.requests));
  });

  it('a bad input fails fast, naming the input', async () => {
    const run = await runAction(cloudInputs({ shard: '5/4' }));
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).toContain('::error::Configuration error:%0Ainput "shard": "5/4" is not valid (allowed: i/n with 1 <= i <= n)');
    expect(run.post.stdout).toContain('main did not start a sync');
  });
});

it.runIf(!bundled)('the bundle exists (build it: pnpm --filter @bbsync/action bundle)', async () => {
  expect(await readdir(ROOT)).toContain('dist');
});
