/**
 * Action start-up: the time from spawning the bundled action entry (`dist/main/index.js` at the repository
 * root) to the first request the simulator receives from it. The action runs as a GitHub runner would start
 * it: `node dist/main/index.js` with `INPUT_*` variables and the runner's command files.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimProcess } from './sim-client.js';

export type StartupResult =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'measured'; readonly entry: string; readonly firstRequestMs: number; readonly samplesMs: readonly number[]; readonly runs: number };

/** The repository root (this file is in packages/bench/src or packages/bench/dist). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const TIMEOUT_MS = 60_000;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function runOnce(entry: string, sim: SimProcess, env: Readonly<Record<string, string>>, folder: string): Promise<number> {
  const files = { output: join(folder, 'output'), state: join(folder, 'state'), summary: join(folder, 'summary.md') };
  await mkdir(join(folder, 'workspace'), { recursive: true });
  await mkdir(join(folder, 'temp'), { recursive: true });
  for (const file of Object.values(files)) await writeFile(file, '');
  const first = sim.firstRequestAfterNow();
  const started = Date.now();
  const child = spawn(process.execPath, [entry], {
    cwd: join(folder, 'workspace'),
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: join(folder, 'workspace'),
      RUNNER_TEMP: join(folder, 'temp'),
      GITHUB_OUTPUT: files.output,
      GITHUB_STATE: files.state,
      GITHUB_STEP_SUMMARY: files.summary,
      ...env,
    },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the action exited (code ${code}) before its first request: ${stderr.trim().split('\n').pop() ?? ''}`))));
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no request within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS).unref());
  try {
    return (await Promise.race([first, exited, timeout])) - started;
  } finally {
    if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
  }
}

/** Measures the action's start-up `runs` times against a tiny simulator; skipped when the bundle is not built. */
export async function measureStartup(runs = 3): Promise<StartupResult> {
  const entry = join(REPO_ROOT, 'dist', 'main', 'index.js');
  if (!existsSync(entry)) return { kind: 'skipped', reason: '`dist/main/index.js` is not there (the action is bundled by `pnpm --filter @bbsync/action bundle`).' };
  const { sim, started } = await SimProcess.start({ seed: 1, size: 'tiny' }, 1);
  const folder = await mkdtemp(join(tmpdir(), 'bbsync-bench-startup-'));
  try {
    const credential = started.cloud.credentials[0];
    const env: Record<string, string> = {
      INPUT_SOURCE: 'cloud',
      INPUT_WORKSPACE: started.cloud.workspace ?? '',
      'INPUT_BASE-URL': started.cloud.baseUrl,
      'INPUT_ACCESS-TOKEN': credential?.accessToken ?? '',
      INPUT_STREAMS: 'repositories',
      'INPUT_OUTPUT-DIR': join(folder, 'out'),
      'INPUT_STATE-DIR': join(folder, 'state-dir'),
    };
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await runOnce(entry, sim, env, join(folder, `run-${i}`)));
    return { kind: 'measured', entry: 'dist/main/index.js', firstRequestMs: median(samples), samplesMs: samples, runs };
  } catch (error) {
    return { kind: 'skipped', reason: `the action did not reach the simulator: ${(error as Error).message}` };
  } finally {
    await sim.close();
    await rm(folder, { recursive: true, force: true });
  }
}
