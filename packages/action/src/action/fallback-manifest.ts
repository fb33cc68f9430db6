/**
 * A manifest for a run folder whose engine never wrote one (main was killed before the engine returned):
 * counts come from the finished segments, which are exactly what the committed cursors cover.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readRecords, type RunManifest, type StreamCounts } from '@bbsync/core';

/** Reads `manifest.json` of a run folder, or undefined when there is none (or it is unreadable). */
export async function readManifest(runDir: string): Promise<RunManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')) as RunManifest;
  } catch {
    return undefined;
  }
}

export interface FallbackInput {
  readonly runDir: string;
  readonly source: string;
  readonly scope: string;
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly stopReason: string;
  readonly status?: RunManifest['status'] | undefined;
}

/** Builds a `stopped` manifest from the finished segments of the run folder. */
export async function fallbackManifest(input: FallbackInput): Promise<RunManifest> {
  // Maps: stream names come from folder names, partition keys from the data; either may be `__proto__`.
  const streams = new Map<string, StreamCounts>();
  const partitions = new Map<string, Set<string>>();
  try {
    for await (const record of readRecords(input.runDir)) {
      let counts = streams.get(record.stream);
      if (counts === undefined) streams.set(record.stream, (counts = { records: 0, deleted: 0, partitions: 0, failedPartitions: 0, requests: 0, durationMs: 0 }));
      if (record.deleted) counts.deleted += 1;
      else counts.records += 1;
      let keys = partitions.get(record.stream);
      if (keys === undefined) partitions.set(record.stream, (keys = new Set()));
      keys.add(record.partition);
    }
  } catch {
    // A damaged segment: report what was counted.
  }
  for (const [stream, set] of partitions) (streams.get(stream) as StreamCounts).partitions = set.size;
  return {
    version: 1,
    tool: 'bbsync',
    source: input.source,
    scope: input.scope,
    runId: input.runId,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    status: input.status ?? 'stopped',
    stopReason: input.stopReason,
    streams: Object.fromEntries(streams),
    requests: { total: 0, retries: 0, rateLimited: 0, rateLimitWaitMs: 0, byCredential: [] },
    errors: [],
    absences: [],
    remaining: [],
    files: {},
    cursorsBefore: null,
    cursorsAfter: null,
  };
}
