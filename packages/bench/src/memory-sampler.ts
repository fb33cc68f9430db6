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
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'new_space' || space.space_name === 'new_large_object_space') youngBytes += space.space_size;
  return { rssBytes: usage.rss, heapTotalBytes: usage.heapTotal, heapUsedBytes: usage.heapUsed, youngBytes, externalBytes: usage.external };
}

/** Starts sampling; `stop` returns the sample with the largest RSS (one is taken at stop too). */
export function sampleMemory(): { stop(): MemoryBreakdown } {
  let largest = sample();
  const timer = setInterval(() => {
    const now = sample();
    if (now.rssBytes > largest.rssBytes) largest = now;
  }, SAMPLE_EVERY_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const now = sample();
      return now.rssBytes > largest.rssBytes ? now : largest;
    },
  };
}
