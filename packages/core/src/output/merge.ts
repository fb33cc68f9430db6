import { lstat, mkdir, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { BbsyncError, configError } from '../errors.js';
import { syncDir, writeFileAtomic } from '../state/durable-file.js';
import { BucketFiles } from './merge-buckets.js';
import { InvalidLineError, listSegments, MAX_LINE_CHARS, parseSegmentLine, readLinesInOrder, SegmentReadError, type SegmentFile } from './read-records.js';
import { runStartedAt } from './run-start.js';
import { STREAMS_FOLDER } from './run-writer.js';
import { DELETED_PARTITIONS_STREAM } from './types.js';
import { SegmentWriter } from './segment-writer.js';

export interface MergeOptions {
  /**
   * Run folders or snapshot folders (earlier merges), oldest first: a later input's record replaces an earlier one.
   * `orderRunFolders` puts folders in this order (by when their runs started).
   */
  readonly inputs: readonly string[];
  /** The snapshot folder to write; must be new or empty. */
  readonly outputDir: string;
  /** gzip the merged JSON Lines. @default true */
  readonly gzip?: boolean | undefined;
  /**
   * Uncompressed bytes of input per temporary bucket: bounds the memory of the fold (one bucket's distinct
   * records at a time). @default 32 MiB
   */
  readonly bucketBytes?: number | undefined;
  /** Uncompressed bytes per merged file before the next `merged.<n+1>` starts. @default 256 MiB */
  readonly maxFileBytes?: number | undefined;
  /**
   * Longest line of an input, in characters; a longer one is refused (it is no record bbsync wrote, and holding it
   * would take that much memory). @default {@link MAX_LINE_CHARS} (the largest response the client accepts, plus room)
   */
  readonly maxLineChars?: number | undefined;
  /** Stamps `createdAt`. @default systemClock */
  readonly clock?: Clock | undefined;
}

export interface SnapshotStreamCounts {
  /** Records in the snapshot. */
  readonly records: number;
  /** Lines read from the inputs (records and deletion markers, every version). */
  readonly inputLines: number;
  /** Deletion markers read. */
  readonly deletionMarkers: number;
  /** Relative paths of the snapshot's files. */
  readonly files: readonly string[];
}

/** `manifest.json` of a snapshot folder. Its `streams/` has the layout of a run folder, so it can be merged again. */
export interface SnapshotManifest {
  readonly version: 1;
  readonly tool: 'bbsync';
  readonly kind: 'snapshot';
  readonly createdAt: string;
  readonly inputs: readonly string[];
  /**
   * When the newest run folded into this snapshot started (see `run-start.ts`): a snapshot is ordered among run
   * folders by it, so a run that started later, even one merged separately, is folded after the snapshot.
   */
  readonly inputsStartedAt?: string | undefined;
  readonly streams: Readonly<Record<string, SnapshotStreamCounts>>;
}

const DEFAULT_BUCKET_BYTES = 32 * 1024 * 1024;
const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;
/** JSON of API objects gzips about 8:1; the estimate only sizes buckets, so being off costs memory, not correctness. */
const GZIP_RATIO = 8;
/** Every bucket is an open file while splitting; stay well below common descriptor limits. */
const MAX_BUCKETS = 256;
const TEMP_FOLDER = '.merge-tmp';
/**
 * Streams merged at once. Each holds at most one bucket in memory, so memory is bounded by this times
 * `bucketBytes`; overlapping them hides file-system latency and lets zlib use several threads.
 */
const STREAM_CONCURRENCY = 4;

/**
 * Folds run folders (and earlier snapshots) into one snapshot holding the latest version of every record,
 * keyed by (stream, key): a later input replaces an earlier one, a deletion marker removes the record, `.partial`
 * files are ignored. Within one input, segments are folded by partition file and sequence number, lines in order.
 *
 * Memory stays flat as data grows: each stream's lines are split by key hash into N temporary bucket files (N
 * from the input size), then each bucket is folded in memory on its own. Inputs small enough for one bucket are
 * folded directly. The snapshot's manifest is written last, so a snapshot without one is incomplete.
 */
export async function mergeRuns(options: MergeOptions): Promise<SnapshotManifest> {
  const clock = options.clock ?? systemClock;
  const gzip = options.gzip ?? true;
  const bucketBytes = options.bucketBytes ?? DEFAULT_BUCKET_BYTES;
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxLineChars = options.maxLineChars ?? MAX_LINE_CHARS;
  await Promise.all(options.inputs.map((input) => assertFolder(input)));
  await prepareOutput(options.outputDir);

  const listings = await Promise.all(
    options.inputs.map((input) =>
      listSegments(input).catch((error: unknown) => {
        throw error instanceof SegmentReadError ? unreadableInput(input, error) : error;
      }),
    ),
  );
  const streams = [...new Set(listings.flatMap((listing) => [...listing.keys()]))].sort();
  // Which input each file came from, and the last input that tombstoned each partition (a deleted repository):
  // a record is dropped when its partition was tombstoned by its own input or a later one.
  const inputOf = new Map<string, number>();
  listings.forEach((listing, index) => {
    for (const files of listing.values()) for (const file of files) inputOf.set(file.path, index);
  });
  // A snapshot's records already outlived its own tombstones (a repository re-created after its deletion), so
  // its tombstones drop records of earlier inputs only; a run folder's also drop its own records.
  const snapshots = await Promise.all(options.inputs.map((input) => isSnapshot(input)));
  const tombstones = new Map<string, number>();
  const read = (files: readonly SegmentFile[]) =>
    envelopes(files, (file) => options.inputs[inputOf.get(file.path) ?? -1] ?? 'a temporary file of this merge', maxLineChars);
  for await (const [, envelope, file] of read(listings.flatMap((listing) => listing.get(DELETED_PARTITIONS_STREAM) ?? []))) {
    tombstones.set(envelope.key, Math.max(tombstones.get(envelope.key) ?? -1, inputOf.get(file.path) ?? -1));
  }
  const dropped = (envelope: ParsedEnvelope, file: SegmentFile): boolean => {
    if (envelope.partition === '' || tombstones.size === 0) return false;
    const at = tombstones.get(envelope.partition);
    const input = inputOf.get(file.path) ?? Number.POSITIVE_INFINITY;
    return at !== undefined && (at > input || (at === input && snapshots[input] !== true));
  };
  // Created only when a stream needs buckets (by `mkdir -p` of its bucket folder).
  const temp = join(options.outputDir, TEMP_FOLDER);
  // A Map: stream names come from folder names (data), and a stream may be called `__proto__`.
  const counts = new Map<string, SnapshotStreamCounts>();
  try {
    const settings = { outputDir: options.outputDir, temp, gzip, bucketBytes, maxFileBytes, dropped, read };
    await forEachConcurrently(streams, STREAM_CONCURRENCY, async (stream) => {
      const files = listings.flatMap((listing) => listing.get(stream) ?? []);
      counts.set(stream, await mergeStream(stream, files, settings));
    });
  } finally {
    if (streams.length > 0) await rm(temp, { recursive: true, force: true });
  }
  // Object.fromEntries defines own properties, so a `__proto__` stream is an entry of the manifest like any other.
  const sortedCounts = Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  await syncDir(join(options.outputDir, STREAMS_FOLDER));
  const newestStart = (await Promise.all(options.inputs.map((input) => runStartedAt(input)))).reduce<number | undefined>(
    (newest, at) => (at === undefined || (newest !== undefined && newest >= at) ? newest : at),
    undefined,
  );
  const manifest: SnapshotManifest = {
    version: 1,
    tool: 'bbsync',
    kind: 'snapshot',
    createdAt: new Date(clock.now()).toISOString(),
    inputs: [...options.inputs],
    ...(newestStart === undefined ? {} : { inputsStartedAt: new Date(newestStart).toISOString() }),
    streams: sortedCounts,
  };
  await writeFileAtomic(join(options.outputDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

interface StreamMergeSettings {
  readonly outputDir: string;
  readonly temp: string;
  readonly gzip: boolean;
  readonly bucketBytes: number;
  readonly maxFileBytes: number;
  /** True for a record of a tombstoned partition. */
  readonly dropped: (envelope: ParsedEnvelope, file: SegmentFile) => boolean;
  /** The envelopes of files, in order. */
  readonly read: (files: readonly SegmentFile[]) => AsyncGenerator<[string, ParsedEnvelope, SegmentFile]>;
}

async function mergeStream(stream: string, files: readonly SegmentFile[], settings: StreamMergeSettings): Promise<SnapshotStreamCounts> {
  const folder = join(settings.outputDir, STREAMS_FOLDER, stream);
  await mkdir(folder, { recursive: true });
  const output = new MergedOutput(stream, folder, settings.gzip, settings.maxFileBytes);
  const fold = new Fold();
  const estimate = files.reduce((sum, file) => sum + (file.gzip ? file.bytes * GZIP_RATIO : file.bytes), 0);
  const bucketCount = Math.min(MAX_BUCKETS, Math.max(1, Math.ceil(estimate / settings.bucketBytes)));
  try {
    if (bucketCount === 1) {
      for await (const [line, envelope, file] of settings.read(files)) {
        fold.count(envelope);
        if (!settings.dropped(envelope, file)) fold.apply(envelope, line);
      }
      await fold.drainTo(output);
    } else {
      const bucketFolder = join(settings.temp, stream);
      await mkdir(bucketFolder, { recursive: true });
      const buckets = new BucketFiles(bucketFolder, bucketCount);
      try {
        for await (const [line, envelope, file] of settings.read(files)) {
          fold.count(envelope);
          if (!settings.dropped(envelope, file)) await buckets.add(envelope.key, line);
        }
        await buckets.close();
      } catch (error) {
        buckets.destroy();
        throw error;
      }
      for (const path of buckets.paths) {
        for await (const [line, envelope] of settings.read([{ stream, path, name: basename(path), gzip: false, bytes: Number.POSITIVE_INFINITY }])) fold.apply(envelope, line);
        await fold.drainTo(output);
        await unlink(path);
      }
    }
    await output.close();
  } catch (error) {
    await output.discard();
    throw error;
  }
  await syncDir(folder);
  return { records: output.records, inputLines: fold.inputLines, deletionMarkers: fold.deletionMarkers, files: output.files };
}

/** The latest line per key of the lines added so far (one bucket's worth). */
class Fold {
  readonly #latest = new Map<string, string>();
  inputLines = 0;
  deletionMarkers = 0;

  /** Counts a line read from an input. */
  count(envelope: ParsedEnvelope): void {
    this.inputLines += 1;
    if (envelope.deleted) this.deletionMarkers += 1;
  }

  /** Folds a line in: it replaces the key's earlier version, or (a deletion marker) forgets the key. */
  apply(envelope: ParsedEnvelope, line: string): void {
    if (envelope.deleted) this.#latest.delete(envelope.key);
    else this.#latest.set(envelope.key, line);
  }

  async drainTo(output: MergedOutput): Promise<void> {
    for (const line of this.#latest.values()) await output.write(line);
    this.#latest.clear();
  }
}

interface ParsedEnvelope {
  readonly key: string;
  readonly deleted: boolean;
  readonly partition: string;
}

/** The lines of files, in order, with their parsed key and deletion flag; a line that is not an envelope is an error. */
async function* envelopes(files: readonly SegmentFile[], inputOf: (file: SegmentFile) => string, maxLineChars: number): AsyncGenerator<[string, ParsedEnvelope, SegmentFile]> {
  let current: SegmentFile | undefined;
  let lineNumber = 0;
  try {
    for await (const [file, line] of readLinesInOrder(files, maxLineChars)) {
      lineNumber = file === current ? lineNumber + 1 : 1;
      current = file;
      let parsed: { key?: unknown; deleted?: unknown; partition?: unknown } | null;
      try {
        parsed = parseSegmentLine(line, lineNumber) as typeof parsed;
        if (typeof parsed !== 'object' || parsed === null || typeof parsed.key !== 'string' || typeof parsed.deleted !== 'boolean') {
          throw new InvalidLineError(lineNumber, 'is not a record envelope (a `key` string and a `deleted` boolean are required)');
        }
      } catch (error) {
        throw new SegmentReadError(file, error);
      }
      yield [line, { key: parsed.key, deleted: parsed.deleted, partition: typeof parsed.partition === 'string' ? parsed.partition : '' }, file];
    }
  } catch (error) {
    if (error instanceof SegmentReadError) throw unreadableInput(error.file === undefined ? '?' : inputOf(error.file), error);
    throw error;
  }
}

/**
 * An input that cannot be merged, as a `config_error` naming the folder and the file in it (relative), and what
 * is wrong with it: never the file's content (a hostile folder could point a "segment" at any file).
 */
function unreadableInput(input: string, error: SegmentReadError): BbsyncError {
  return new BbsyncError('config_error', `inputs: ${input}: ${error.message}`, {
    field: 'inputs',
    cause: error,
    hint: 'Merge only bbsync run or snapshot folders; bbsync writes regular files only, and a finished segment is never broken unless it was changed or truncated after the run.',
  });
}

/** The snapshot files of one stream: `merged.<n>.jsonl[.gz]`, rolled over by size. */
class MergedOutput {
  readonly files: string[] = [];
  records = 0;
  readonly #stream: string;
  readonly #folder: string;
  readonly #gzip: boolean;
  readonly #maxFileBytes: number;
  #current: { writer: SegmentWriter; fileName: string; bytes: number } | undefined;

  constructor(stream: string, folder: string, gzip: boolean, maxFileBytes: number) {
    this.#stream = stream;
    this.#folder = folder;
    this.#gzip = gzip;
    this.#maxFileBytes = maxFileBytes;
  }

  async write(line: string): Promise<void> {
    if (this.#current !== undefined && this.#current.bytes >= this.#maxFileBytes) await this.#finishCurrent();
    if (this.#current === undefined) {
      const fileName = `merged.${this.files.length + 1}.jsonl${this.#gzip ? '.gz' : ''}`;
      this.#current = { writer: await SegmentWriter.open(join(this.#folder, `${fileName}.partial`), this.#gzip), fileName, bytes: 0 };
    }
    await this.#current.writer.write(`${line}\n`);
    this.#current.bytes += line.length + 1;
    this.records += 1;
  }

  async close(): Promise<void> {
    await this.#finishCurrent();
  }

  async discard(): Promise<void> {
    await this.#current?.writer.discard();
    this.#current = undefined;
  }

  async #finishCurrent(): Promise<void> {
    const current = this.#current;
    if (current === undefined) return;
    this.#current = undefined;
    await current.writer.finish(join(this.#folder, current.fileName));
    this.files.push(`${STREAMS_FOLDER}/${this.#stream}/${current.fileName}`);
  }
}

/** Runs `task` over `items` with at most `limit` running at once; rejects with the first failure (after all settle). */
async function forEachConcurrently<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item);
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}

/** Whether a merge input is a snapshot folder (its `manifest.json`, a regular file, says `kind: snapshot`). */
async function isSnapshot(dir: string): Promise<boolean> {
  const path = join(dir, 'manifest.json');
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined || !info.isFile()) return false;
  try {
    return (JSON.parse(await readFile(path, 'utf8')) as { kind?: unknown } | null)?.kind === 'snapshot';
  } catch {
    return false;
  }
}

async function assertFolder(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) throw configError('inputs', `${path} is not a folder`, 'run folders or snapshot folders');
}

async function prepareOutput(path: string): Promise<void> {
  const created = await mkdir(path, { recursive: true });
  if (created === undefined && (await readdir(path)).length > 0) throw configError('outputDir', `${path} is not empty`, 'a new or empty folder');
  await mkdir(join(path, STREAMS_FOLDER));
}
