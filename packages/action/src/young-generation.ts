/**
 * The shipped entry points (the `bbsync` CLI and the action's main step) bound V8's young generation. Under
 * any sustained allocation V8 grows its young generation to its maximum (two semi-spaces of 16–64 MB each on
 * 64-bit machines), whatever is live: for a sync, which streams pages through and keeps little, that was the
 * largest single part of its peak RSS. A few more scavenges cost far less than the requests a sync waits on.
 *
 * V8 reads these flags only when the heap is set up (`v8.setFlagsFromString` after start-up does not resize
 * it), so an entry point that was started without them starts itself again with them: one more Node start-up
 * (tens of milliseconds), before any heavy module is loaded. The relaunched process inherits stdio, the
 * environment and the arguments; its exit code (or signal) becomes the parent's.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/**
 * V8 flags the shipped entry points run with: semi-spaces of 8 MB (a young generation of 16–24 MB), and
 * `--optimize-for-size`, which makes V8 grow and keep its old generation and code closer to what is live. On
 * the medium benchmark (Cloud full sync, 6,886 requests) the two together took peak RSS from 309 MB to 127 MB
 * for about 5 s more CPU (under 1 ms per request, against requests that wait 50 ms or more each).
 */
export const SYNC_V8_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--optimize-for-size'];

/**
 * Environment of the relaunched process: glibc's malloc arenas, by default up to 8 per core, each holding
 * freed memory of its threads (zlib runs on the thread pool); two keep RSS closer to what is in use. Each is
 * set only where the user has not set it.
 */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** Signals passed on to the relaunched process. */
const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Whether this process already runs with a young-generation bound: the flags given, or the user's own
 * `--max-semi-space-size` (in the command line or NODE_OPTIONS), which is respected as it is.
 */
export function hasYoungGenerationBound(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  return given.some((flag) => /^--max[-_]semi[-_]space[-_]size(=|$)/.test(flag));
}

/**
 * Relaunches this entry point with {@link SYNC_V8_FLAGS} unless it already has a young-generation bound. Resolves
 * with `undefined` when the caller should go on in this process (also when Node could not be started again),
 * or with the relaunched process's exit code once it has ended (the caller then exits with it and does
 * nothing else).
 *
 * Signals: SIGTERM is passed on always (a supervisor or the Actions runner signals this process only). SIGINT
 * and SIGHUP from a terminal reach the whole foreground process group, the relaunched process included, so
 * they are passed on only when this process has no terminal: a second delivery would be taken as "stop at
 * once".
 */
export async function relaunchWithBoundedYoungGeneration(): Promise<number | undefined> {
  if (hasYoungGenerationBound(process.execArgv, process.env.NODE_OPTIONS)) {
    endWithParent();
    return undefined;
  }
  const script = process.argv[1];
  if (script === undefined) return undefined;
  const child = spawn(process.execPath, [...SYNC_V8_FLAGS, ...process.execArgv, script, ...process.argv.slice(2)], {
    // The IPC channel is how the relaunched process learns that this one is gone (see endWithParent).
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...ALLOCATOR_ENV, ...process.env },
  });
  const fromTerminal = process.stdin.isTTY === true || process.stdout.isTTY === true;
  const forward = (signal: NodeJS.Signals): void => {
    if (signal !== 'SIGTERM' && fromTerminal) return;
    child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  try {
    // A process that could not be started at all ('error' without 'exit'): go on in this one, unbounded.
    return await new Promise<number | undefined>((resolve) => {
      child.once('error', () => resolve(undefined));
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0))));
    });
  } finally {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
  }
}

/**
 * In a relaunched process: end at once when the process that started it ends without passing a signal on (a
 * SIGKILL of the entry point, whose pid is what supervisors, test harnesses and users know), so no orphan keeps
 * syncing or holds the receiver's port. Ending abruptly is as safe as being killed: every write is durable before
 * it counts. The channel is unreferenced so it never keeps the process alive by itself.
 */
function endWithParent(): void {
  if (process.channel === undefined) return;
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  process.channel.unref();
}
