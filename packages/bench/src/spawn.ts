/**
 * Forks the benchmark's child processes (the simulator, the syncs). From `dist/` a child is plain JavaScript;
 * from the TypeScript sources (the package's tests run there) Node strips the types itself and a small resolve
 * hook maps `.js` imports to `.ts`, with the `source` condition so workspace packages resolve to sources too.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** True when this module runs from its TypeScript source rather than from `dist/`. */
export const fromSources = import.meta.url.endsWith('.ts');

/** Node options a child needs to run this package's TypeScript sources. */
function sourceModeArgs(): string[] {
  const register = new URL('./source-mode/register.mjs', import.meta.url).href;
  return ['--experimental-transform-types', '--no-warnings', '--conditions=source', '--import', register];
}

/** How to start a child: V8 flags of its own (the sync runs with the shipped entry points'), its environment. */
export interface ChildOptions {
  /** Raises the heap limit (the simulator renders the large workspace's ground truth). */
  readonly heapMb?: number | undefined;
  readonly v8Flags?: readonly string[] | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/** Forks `<name>.js` (or `.ts` from sources) beside this file, with an IPC channel. */
export function forkChild(name: 'sim-process' | 'sync-process', options: ChildOptions = {}): ChildProcess {
  const { heapMb, v8Flags = [], env = process.env } = options;
  const file = fileURLToPath(new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, import.meta.url));
  return fork(file, [], {
    execArgv: [...(fromSources ? sourceModeArgs() : []), ...v8Flags, ...(heapMb === undefined ? [] : [`--max-old-space-size=${heapMb}`])],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
}

/** Resolves with the exit code once the child has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
