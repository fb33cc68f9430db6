import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { PartitionDescriptor } from '../engine/types.js';
import { syncDir } from '../state/durable-file.js';
import { writeRunStarted } from './run-start.js';
import { KillSwitch } from '../state/kill-points.js';
import { assertSafeStreamName, safePartitionName } from './safe-name.js';
import { SegmentWriter } from './segment-writer.js';
import type { RecordEnvelope } from './types.js';

export interface RunWriterOptions {
  /** gzip the JSON Lines. @default true */
  readonly gzip?: boolean | undefined;
  /** The run's id, for the start marker. @default the folder's name */
  readonly runId?: string | undefined;
  /** Epoch ms the run started, for the start marker (merge folds run folders in this order). @default now */
  readonly startedAt?: number | undefined;
}

/** Where the segments of a run live, relative to the run folder. */
export const STREAMS_FOLDER = 'streams';

/**
 * Writes the segment files of one run folder (layout in `output/types.ts`). Hands out one
 * {@link PartitionWriter} per partition being read; numbers segments per (stream, partition) so a partition
 * that checkpoints several times writes `name.1.jsonl.gz`, `name.2.jsonl.gz`, ... in order.
 */
export class RunWriter {
  readonly runDir: string;
  readonly gzip: boolean;
  readonly #streamFolders = new Map<string, Promise<string>>();
  readonly #nextSeq = new Map<string, number>();
  readonly #files = new Map<string, string[]>();
  /** Test-only crash points of segment writes (armed by BBSYNC_TEST_KILL_AT; never in production). */
  readonly kill = KillSwitch.fromEnvironment(['segment-synced', 'segment-renamed']);

  private constructor(runDir: string, gzip: boolean) {
    this.runDir = runDir;
    this.gzip = gzip;
  }

  /**
   * Creates the run folder with its start marker (`started.json`, before anything else: a killed run has no
   * manifest, and merge orders run folders by their start) and `<runDir>/streams`, durably.
   */
  static async create(runDir: string, options: RunWriterOptions = {}): Promise<RunWriter> {
    await mkdir(runDir, { recursive: true });
    await writeRunStarted(runDir, options.runId ?? basename(runDir), options.startedAt ?? Date.now());
    await mkdir(join(runDir, STREAMS_FOLDER), { recursive: true });
    await syncDir(runDir);
    return new RunWriter(runDir, options.gzip ?? true);
  }

  /** A writer for one partition's records (of any of its outputs). */
  partition(partition: PartitionDescriptor): PartitionWriter {
    return new PartitionWriter(this, partition.key, safePartitionName(partition));
  }

  /** Finished segment files per stream, as paths relative to the run folder, in write order. */
  files(): Record<string, string[]> {
    return Object.fromEntries([...this.#files].map(([stream, files]) => [stream, [...files]]));
  }

  /** @internal Creates (once, durably) the folder of `stream` and returns its path. */
  streamFolder(stream: string): Promise<string> {
    let folder = this.#streamFolders.get(stream);
    if (folder === undefined) {
      assertSafeStreamName(stream);
      const path = join(this.runDir, STREAMS_FOLDER, stream);
      folder = mkdir(path, { recursive: true })
        .then(() => syncDir(join(this.runDir, STREAMS_FOLDER)))
        .then(() => path);
      this.#streamFolders.set(stream, folder);
    }
    return folder;
  }

  /** @internal The next segment number of (stream, stem): never reused within the run. */
  allocateSeq(stream: string, stem: string): number {
    const id = `${stream}/${stem}`;
    const seq = this.#nextSeq.get(id) ?? 1;
    this.#nextSeq.set(id, seq + 1);
    return seq;
  }

  /** @internal */
  addFile(stream: string, fileName: string): void {
    const files = this.#files.get(stream) ?? [];
    files.push(`${STREAMS_FOLDER}/${stream}/${fileName}`);
    this.#files.set(stream, files);
  }
}

/** A record that JSON cannot represent (a BigInt, a cycle): the data's fault, not the disk's. */
export class UnserializableRecordError extends Error {
  constructor(stream: string, cause: unknown) {
    super(`a record of ${stream} cannot be written as JSON: ${(cause as Error).message}`, { cause });
    this.name = 'UnserializableRecordError';
  }
}

interface OpenSegment {
  readonly stream: string;
  readonly writer: SegmentWriter;
  readonly folder: string;
  readonly fileName: string;
}

/**
 * The records of one partition, one open segment per output stream. `flush` makes everything written so far
 * durable under final names (the engine commits the cursor only after it resolves); `abort` deletes what was
 * not flushed. Records of one stream are written in call order.
 */
export class PartitionWriter {
  readonly #run: RunWriter;
  readonly #partitionKey: string;
  readonly #stem: string;
  readonly #segments = new Map<string, Promise<OpenSegment>>();
  /** Writes not settled yet: a flush waits for those that were called before it. */
  readonly #pending = new Set<Promise<void>>();
  #aborted = false;
  /** The first failed write: this writer can never again prove that everything written is on disk. */
  #failure: unknown;
  /** Records written per stream since the writer was created. */
  readonly written = new Map<string, number>();

  /** @internal Use {@link RunWriter.partition}. */
  constructor(run: RunWriter, partitionKey: string, stem: string) {
    this.#run = run;
    this.#partitionKey = partitionKey;
    this.#stem = stem;
  }

  /** Appends one envelope to the stream's open segment (opening one if needed); awaits backpressure. */
  write(envelope: RecordEnvelope): Promise<void> {
    if (this.#aborted) return Promise.reject(new Error('the partition writer was aborted'));
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (envelope.partition !== this.#partitionKey) return Promise.reject(new Error('an envelope of another partition was written here'));
    let line: string;
    try {
      line = `${JSON.stringify(envelope)}\n`;
    } catch (error) {
      this.#failure = new UnserializableRecordError(envelope.stream, error);
      return Promise.reject(this.#failure);
    }
    // Picks the segment now, synchronously, so a flush called after this write still includes it.
    const segment = this.#segment(envelope.stream);
    const write = segment.then((open) => open.writer.write(line));
    this.#pending.add(write);
    write.then(
      () => this.#pending.delete(write),
      (error: unknown) => {
        this.#pending.delete(write);
        this.#failure ??= error;
      },
    );
    return write.then(() => {
      this.written.set(envelope.stream, (this.written.get(envelope.stream) ?? 0) + 1);
    });
  }

  /**
   * Ends every open segment: fsync, rename `.partial` to its final name, fsync the folders. The next records
   * go to new segments (the next sequence numbers). Resolves when all of it is durable.
   */
  async flush(): Promise<void> {
    // Taken synchronously: writes called from now on go to the next segments.
    const open = [...this.#segments.values()];
    this.#segments.clear();
    await Promise.allSettled([...this.#pending]);
    if (this.#failure !== undefined) {
      // A write failed, so a record is missing: nothing may be made final, no cursor committed past it.
      await Promise.all(open.map(async (pending) => (await pending.catch(() => undefined))?.writer.discard()));
      throw this.#failure;
    }
    const results = await Promise.allSettled(
      open.map(async (pending) => {
        const segment = await pending;
        try {
          await segment.writer.finish(join(segment.folder, segment.fileName));
        } catch (error) {
          await segment.writer.discard();
          throw error;
        }
        return segment;
      }),
    );
    const finished = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    await Promise.all([...new Set(finished.map((segment) => segment.folder))].map((folder) => syncDir(folder)));
    for (const segment of finished) this.#run.addFile(segment.stream, segment.fileName);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /** Deletes every segment not yet flushed. Flushed segments stay: their cursor may already be committed. */
  async abort(): Promise<void> {
    this.#aborted = true;
    const open = [...this.#segments.values()];
    this.#segments.clear();
    await Promise.all(open.map(async (pending) => (await pending.catch(() => undefined))?.writer.discard()));
    await Promise.allSettled([...this.#pending]);
  }

  #segment(stream: string): Promise<OpenSegment> {
    let segment = this.#segments.get(stream);
    if (segment === undefined) {
      segment = this.#open(stream);
      this.#segments.set(stream, segment);
    }
    return segment;
  }

  async #open(stream: string): Promise<OpenSegment> {
    const folder = await this.#run.streamFolder(stream);
    const seq = this.#run.allocateSeq(stream, this.#stem);
    const fileName = `${this.#stem}.${seq}.jsonl${this.#run.gzip ? '.gz' : ''}`;
    const writer = await SegmentWriter.open(join(folder, `${fileName}.partial`), this.#run.gzip, this.#run.kill);
    return { stream, writer, folder, fileName };
  }
}
