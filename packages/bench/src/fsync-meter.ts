/**
 * Counts the fsyncs of this process and the time spent in them (diagnostics for the wall-time figure: on a
 * slow disk durability, not requests, can dominate). Wraps `FileHandle.prototype.sync`/`datasync` in place;
 * behaviour is unchanged.
 */
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FsyncMeter {
  calls: number;
  ms: number;
}

/** Starts counting fsyncs through `FileHandle` (what @bbsync/core's durable writes use). */
export async function meterFsync(): Promise<FsyncMeter> {
  const meter: FsyncMeter = { calls: 0, ms: 0 };
  const probe = join(tmpdir(), `bbsync-bench-fsync-${process.pid}`);
  const handle = await open(probe, 'w');
  const prototype = Object.getPrototypeOf(handle) as Record<'sync' | 'datasync', (this: unknown) => Promise<void>>;
  await handle.close();
  await rm(probe, { force: true });
  for (const name of ['sync', 'datasync'] as const) {
    const original = prototype[name];
    prototype[name] = async function (this: unknown): Promise<void> {
      const started = performance.now();
      try {
        await original.call(this);
      } finally {
        meter.calls += 1;
        meter.ms += performance.now() - started;
      }
    };
  }
  return meter;
}
