/**
 * Samples the sync process's memory while it runs and keeps the sample with the largest RSS, split the way V8
 * and Node account it: what a peak RSS is made of says whether it grows with the data (held records, state)
 * or is a fixed cost of the runtime (the young generation, the binary).
 */
import { getHeapSpaceStatistics } from 'node:v8';
import type { MemoryBreakdown } from './protocol.js';

/** How often memory is sampled, ms. */
const SAMPLE_EVERY_MS = 250;

function sample(): MemoryBreakdown {
  const usage = process.memoryUsage();
  let youngBytes = 0;
  let oldUsedBytes = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name === 'new_space' || space.space_name === 'new_large_object_space') youngBytes += space.space_size;
    if (space.space_name === 'old_space' || space.space_name === 'large_object_space') oldUsedBytes += space.space_used_size;
  }
  return { rssBytes: usage.rss, heapTotalBytes: usage.heapTotal, heapUsedBytes: usage.heapUsed, youngBytes, externalBytes: usage.external, oldUsedBytes };
}

/** What the sampling kept: the sample with the largest RSS, and the largest old-generation use. */
export interface MemoryPeaks {
  readonly atPeakRss: MemoryBreakdown;
  readonly peakLiveHeapBytes: number;
}

/** Starts sampling; `stop` returns the peaks (one sample is taken at stop too). */
export function sampleMemory(): { stop(): MemoryPeaks } {
  let largest = sample();
  let live = largest.oldUsedBytes ?? 0;
  const take = (): void => {
    const now = sample();
    if (now.rssBytes > largest.rssBytes) largest = now;
    live = Math.max(live, now.oldUsedBytes ?? 0);
  };
  const timer = setInterval(take, SAMPLE_EVERY_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      take();
      return { atPeakRss: largest, peakLiveHeapBytes: live };
    },
  };
}
