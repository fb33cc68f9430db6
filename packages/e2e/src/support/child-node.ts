/**
 * Child Node processes that run workspace TypeScript sources: the same code vitest tests in-process, so a kill
 * test never runs against a stale build. Node 24 strips/transforms the types itself; a small resolve hook maps
 * `.js` imports to `.ts` and `--conditions=source` resolves `@bbsync/*` to their sources.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where children keep Node's compile cache (shared by every suite and run; entries are keyed by content). */
const COMPILE_CACHE = join(tmpdir(), 'bbsync-e2e-compile-cache');

/** Node flags that let a child import `.ts` sources of this repository. */
export function sourceModeArgs(): string[] {
  const register = new URL('./source-mode/register.mjs', import.meta.url).href;
  return ['--experimental-transform-types', '--no-warnings', '--conditions=source', '--import', register];
}

/** The absolute path of a file beside this module's folder (`support/<name>`). */
export function supportFile(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

export interface ChildRun {
  readonly child: ChildProcess;
  /** Everything the child wrote to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once the child has exited (with its code, or the signal that ended it). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Run the file from TypeScript sources (adds {@link sourceModeArgs}). @default true when the file ends in `.ts` */
  readonly sources?: boolean;
}

/** Spawns `node <file> [...args]` with this process's Node binary (Node 24 under vitest). */
export function spawnNode(file: string, options: SpawnOptions = {}): ChildRun {
  const sources = options.sources ?? file.endsWith('.ts');
  const child = spawn(process.execPath, [...(sources ? sourceModeArgs() : []), file, ...(options.args ?? [])], {
    cwd: options.cwd,
    // Node's compile cache keeps the stripped and compiled sources between children (keyed by their content, so
    // never stale): a child then starts in a fraction of the time, which is what lets the kill suite run hundreds.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_COMPILE_CACHE: COMPILE_CACHE, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}
