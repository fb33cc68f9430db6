/**
 * The shipped entry points start themselves again with a bounded young generation: a real child process runs
 * the relaunch, and what the relaunched process reports (its V8 flags, its environment, its exit code) is
 * checked against what it was given.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasYoungGenerationBound, SYNC_V8_FLAGS } from './young-generation.js';

const folder = mkdtempSync(join(tmpdir(), 'bbsync-young-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** An entry point like cli.ts: relaunch, then report and exit with the code it was asked for. */
const entry = join(folder, 'entry.mjs');
const module = fileURLToPath(new URL('./young-generation.ts', import.meta.url));
writeFileSync(
  entry,
  `import { relaunchWithBoundedYoungGeneration } from ${JSON.stringify(module)};
const code = await relaunchWithBoundedYoungGeneration();
if (code !== undefined) process.exit(code);
process.stdout.write(JSON.stringify({ execArgv: process.execArgv, args: process.argv.slice(2), arenas: process.env.MALLOC_ARENA_MAX }) + '\\n');
process.exit(Number(process.argv[2] ?? 0));
`,
);

function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): { status: number | null; reports: { execArgv: string[]; args: string[]; arenas?: string }[] } {
  const result = spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  const reports = result.stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { execArgv: string[]; args: string[]; arenas?: string });
  return { status: result.status, reports };
}

describe('relaunchWithBoundedYoungGeneration', () => {
  it('runs the entry once, in a process with the flags, the arguments and the allocator setting, and passes its exit code on', () => {
    const { status, reports } = run(['3', '--flag']);
    expect(reports).toEqual([{ execArgv: [...SYNC_V8_FLAGS], args: ['3', '--flag'], arenas: '2' }]);
    expect(status).toBe(3);
  });

  it("respects the user's own bound and allocator setting", () => {
    expect(run(['0'], { NODE_OPTIONS: '--max-semi-space-size=32' }).reports).toEqual([{ execArgv: [], args: ['0'] }]);
    expect(run(['0'], { MALLOC_ARENA_MAX: '4' }).reports[0]?.arenas).toBe('4');
  });
});

/** An entry point that, once relaunched, reports its pid and then stays alive (a sync or a receiver at work). */
const lingering = join(folder, 'lingering.mjs');
writeFileSync(
  lingering,
  `import { relaunchWithBoundedYoungGeneration } from ${JSON.stringify(module)};
const code = await relaunchWithBoundedYoungGeneration();
if (code !== undefined) process.exit(code);
process.stdout.write(String(process.pid) + '\\n');
setInterval(() => {}, 1000);
`,
);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a relaunched process whose starter is killed', () => {
  it('ends too: a SIGKILL of the entry point leaves no orphan (no sync going on, no port held)', async () => {
    const parent = spawn(process.execPath, [lingering], { stdio: ['ignore', 'pipe', 'inherit'] });
    const childPid = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString('utf8').trim()))));
    expect(childPid).not.toBe(parent.pid);
    expect(alive(childPid)).toBe(true);
    parent.kill('SIGKILL');
    // Bounded wait for the orphan to go (no timing claim: it must go, however long the machine takes).
    for (let i = 0; i < 200 && alive(childPid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive(childPid)).toBe(false);
  });
});

describe('hasYoungGenerationBound', () => {
  it('sees the flag in the command line or NODE_OPTIONS, in either spelling', () => {
    expect(hasYoungGenerationBound(['--max-semi-space-size=8'], undefined)).toBe(true);
    expect(hasYoungGenerationBound([], '--max_semi_space_size=4 --enable-source-maps')).toBe(true);
    expect(hasYoungGenerationBound(['--max-old-space-size=512'], '')).toBe(false);
  });
});
