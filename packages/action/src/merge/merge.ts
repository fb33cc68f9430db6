/**
 * Merging with a report of what changed: core's `mergeRuns` folds the inputs into a snapshot; new, updated and
 * deleted per stream are then counted by comparing primary keys with the previous snapshot (a key set per
 * stream in memory, so this costs one pass over the previous snapshot, the runs and the new snapshot).
 */
import { mergeRuns, orderMergeInputs, readRecords, type SnapshotManifest } from '@bbsync/core';

export interface StreamChange {
  /** Records in the new snapshot. */
  readonly records: number;
  /** Keys not in the previous snapshot. */
  readonly added: number;
  /** Keys in both snapshots that a run rewrote. */
  readonly updated: number;
  /** Keys of the previous snapshot that are gone. */
  readonly deleted: number;
}

export interface MergeReport {
  readonly snapshot: SnapshotManifest;
  readonly streams: Readonly<Record<string, StreamChange>>;
}

async function keysByStream(dir: string, liveOnly: boolean): Promise<Map<string, Set<string>>> {
  const keys = new Map<string, Set<string>>();
  for await (const record of readRecords(dir)) {
    if (liveOnly && record.deleted) continue;
    let set = keys.get(record.stream);
    if (!set) keys.set(record.stream, (set = new Set()));
    set.add(record.key);
  }
  return keys;
}

/**
 * Merges `previous` (if any) and `runs` (in any order) into `outputDir`; reports what changed per stream. Later
 * inputs win, so they are folded in the order their runs started (core's `orderMergeInputs`: a killed run has no
 * manifest, hence no finish time, but always its start marker).
 */
export async function mergeWithReport(options: { previous?: string | undefined; runs: readonly string[]; outputDir: string }): Promise<MergeReport> {
  const inputs = await orderMergeInputs(options.runs, options.previous);
  const snapshot = await mergeRuns({ inputs, outputDir: options.outputDir });
  const before = options.previous ? await keysByStream(options.previous, true) : new Map<string, Set<string>>();
  const after = await keysByStream(options.outputDir, true);
  const touched = new Map<string, Set<string>>();
  for (const run of options.runs) {
    for (const [stream, keys] of await keysByStream(run, false)) {
      const set = touched.get(stream) ?? new Set<string>();
      for (const key of keys) set.add(key);
      touched.set(stream, set);
    }
  }
  // A Map, then own properties: stream names come from folder names and may be `__proto__`.
  const streams = new Map<string, StreamChange>();
  for (const stream of new Set([...before.keys(), ...after.keys(), ...Object.keys(snapshot.streams)])) {
    // Internal bookkeeping (partition tombstones) is not a dataset stream: it stays in the snapshot, out of reports.
    if (stream.startsWith('_')) continue;
    const old = before.get(stream) ?? new Set<string>();
    const now = after.get(stream) ?? new Set<string>();
    const rewritten = touched.get(stream) ?? new Set<string>();
    let added = 0;
    let updated = 0;
    for (const key of now) {
      if (!old.has(key)) added += 1;
      else if (rewritten.has(key)) updated += 1;
    }
    let deleted = 0;
    for (const key of old) if (!now.has(key)) deleted += 1;
    streams.set(stream, { records: now.size, added, updated, deleted });
  }
  return { snapshot, streams: Object.fromEntries(streams) };
}

