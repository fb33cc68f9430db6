/**
 * When a run folder's run started, and the fold order of run folders that follows from it.
 *
 * A later input of a merge replaces an earlier one, so run folders must be folded in the order their runs read
 * the API. The only time every run folder has is its start: a killed run never writes `manifest.json` (so it has
 * no finish time), and ordering by a field only complete runs have lets an older complete run overwrite a newer,
 * killed one (its deletions, renames and updates undone). The run writer therefore writes {@link RUN_STARTED_FILE}
 * first, durably, before any segment.
 */
import { basename, join } from 'node:path';
import { configError } from '../errors.js';
import { writeFileAtomic } from '../state/durable-file.js';
import { readSmallRegularFile } from './regular-file.js';

/** The start marker of a run folder, written (fsync'd and renamed) when the folder is created. */
export const RUN_STARTED_FILE = 'started.json';

/** The content of {@link RUN_STARTED_FILE}. */
export interface RunStartMarker {
  readonly version: 1;
  readonly tool: 'bbsync';
  readonly kind: 'run';
  readonly runId: string;
  /** ISO time the run started: the same instant as its manifest's `startedAt`. */
  readonly startedAt: string;
}

/** Writes the start marker of a new run folder durably (temp file, fsync, rename, folder fsync). */
export async function writeRunStarted(runDir: string, runId: string, startedAt: number): Promise<void> {
  const marker: RunStartMarker = { version: 1, tool: 'bbsync', kind: 'run', runId, startedAt: new Date(startedAt).toISOString() };
  await writeFileAtomic(join(runDir, RUN_STARTED_FILE), `${JSON.stringify(marker, null, 2)}\n`);
}

/**
 * A folder name that starts with a UTC time as bbsync writes it (`2026-11-24T11-05-00-123Z`, the CLI's default run
 * folder name and the engine's default run id; shards add `-shard-i-of-n`).
 */
const TIME_NAME = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z/;

/**
 * Epoch milliseconds at which the run (or the newest run folded into a snapshot) started, or undefined when the
 * folder says nothing about it. Sources, most authoritative first: the start marker; the manifest (`startedAt` of a
 * run, from folders written before the marker existed; a snapshot's `inputsStartedAt`, else its `createdAt`); the
 * time in the folder's name.
 */
export async function runStartedAt(dir: string): Promise<number | undefined> {
  return (await startOf(dir))?.at;
}

async function startOf(dir: string): Promise<{ at: number; snapshot: boolean } | undefined> {
  const marker = await readJsonObject(join(dir, RUN_STARTED_FILE));
  const fromMarker = isoTime(marker?.startedAt);
  if (fromMarker !== undefined) return { at: fromMarker, snapshot: false };
  const manifest = await readJsonObject(join(dir, 'manifest.json'));
  if (manifest?.kind === 'snapshot') {
    const at = isoTime(manifest.inputsStartedAt) ?? isoTime(manifest.createdAt);
    if (at !== undefined) return { at, snapshot: true };
  } else if (manifest !== undefined) {
    const at = isoTime(manifest.startedAt);
    if (at !== undefined) return { at, snapshot: false };
  }
  const named = TIME_NAME.exec(basename(dir));
  const at = named === null ? undefined : isoTime(`${named[1]}T${named[2]}:${named[3]}:${named[4]}.${named[5]}Z`);
  return at === undefined ? undefined : { at, snapshot: false };
}

/**
 * Run or snapshot folders in fold order: by when their run started, oldest first; a snapshot after the runs that
 * started at the same instant as its newest run (it holds them); shards of one run, started together, by path. A
 * folder whose start cannot be told is refused rather than guessed at: folding it in the wrong place would
 * silently undo newer data.
 */
export async function orderRunFolders(dirs: readonly string[]): Promise<string[]> {
  const started = await Promise.all(dirs.map(async (dir) => ({ dir, start: await startOf(dir) })));
  const unknown = started.filter((entry) => entry.start === undefined).map((entry) => entry.dir);
  if (unknown.length > 0) {
    throw configError(
      'inputs',
      `cannot tell when the run of ${unknown.join(', ')} started (no ${RUN_STARTED_FILE}, no manifest.json with a start time, no time in the folder name)`,
      'run folders written by bbsync, or a folder name starting with its UTC start time such as 2026-11-24T11-05-00-123Z',
    );
  }
  const known = started as { dir: string; start: { at: number; snapshot: boolean } }[];
  return known
    .sort((a, b) => a.start.at - b.start.at || Number(a.start.snapshot) - Number(b.start.snapshot) || (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0))
    .map((entry) => entry.dir);
}

/**
 * Largest metadata file read for its times: a manifest holds every cursor, so it can be large, but anything
 * larger is not one bbsync wrote.
 */
const MAX_METADATA_BYTES = 64 * 1024 * 1024;

/**
 * The inputs of a merge of `runs` (in any order) into the previous snapshot, in fold order. The previous snapshot
 * goes among the runs by when its newest run started when it records that (a run already folded into it then goes
 * before it, and cannot undo what later runs changed), else first, as snapshots written before that field were.
 */
export async function orderMergeInputs(runs: readonly string[], previous?: string | undefined): Promise<string[]> {
  if (previous === undefined) return orderRunFolders(runs);
  const manifest = await readJsonObject(join(previous, 'manifest.json'));
  if (isoTime(manifest?.inputsStartedAt) !== undefined) return orderRunFolders([previous, ...runs]);
  return [previous, ...(await orderRunFolders(runs))];
}

async function readJsonObject(path: string): Promise<Record<string, unknown> | undefined> {
  const bytes = await readSmallRegularFile(path, MAX_METADATA_BYTES);
  if (bytes === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isoTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}
