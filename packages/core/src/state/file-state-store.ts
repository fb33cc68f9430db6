import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { nodeFileOps, tempPrefix, writeFileAtomic, type FileOps } from './durable-file.js';
import { KillSwitch } from './kill-points.js';
import { emptyState, parseState, partitionState, StateDocument } from './state-document.js';
import type { FailedPartition, PartitionState, StateStore, SyncState } from './types.js';

export interface FileStateStoreOptions {
  /** Stamps `committedAt`. @default systemClock */
  readonly clock?: Clock | undefined;
  /** The file-system steps of a durable write; tests inject failures here. @default the real file system */
  readonly fileOps?: FileOps | undefined;
}

/**
 * The state as one JSON file, written crash-safely (temp file, fsync, rename, fsync of the folder).
 *
 * Commits are coalesced: while one write is in flight, every commit that arrives joins the next write, so a
 * thousand partitions finishing together cost a handful of rewrites, not a thousand. Each commit's promise
 * resolves once a write that contains it is durable (or rejects when that write fails).
 *
 * One process writes a state file at a time; `open` removes temp files a crashed writer left beside it.
 * `get` and `partitions` show every commit made, including one whose write is still in flight.
 */
export class FileStateStore implements StateStore {
  readonly path: string;
  readonly scope: string;
  readonly #clock: Clock;
  readonly #ops: FileOps;
  #document: StateDocument;
  /** The write on disk right now, if any. */
  #inFlight: Promise<void> | undefined;
  /** The next write, not started yet: commits arriving now join it. */
  #queued: Promise<void> | undefined;

  private constructor(path: string, scope: string, options: FileStateStoreOptions) {
    this.path = path;
    this.scope = scope;
    this.#clock = options.clock ?? systemClock;
    this.#ops = withKillPoints(options.fileOps ?? nodeFileOps, KillSwitch.fromEnvironment(['state-before-rename', 'state-renamed']));
    this.#document = new StateDocument(emptyState(scope));
  }

  /**
   * Opens (and loads) the state at `path` for `scope`. A missing file is an empty state (a first sync); a file
   * of another scope or an unknown version is a `config_error`.
   */
  static async open(path: string, scope: string, options: FileStateStoreOptions = {}): Promise<FileStateStore> {
    const store = new FileStateStore(path, scope, options);
    await mkdir(dirname(path), { recursive: true });
    await store.#removeLeftoverTempFiles();
    await store.load();
    return store;
  }

  async load(): Promise<SyncState> {
    let text: string | undefined;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const state = text === undefined ? emptyState(this.scope) : parseState(text, this.scope, this.path);
    this.#document = new StateDocument(state);
    return this.#document.snapshot();
  }

  get<C = unknown>(stream: string, partitionKey: string): PartitionState<C> | undefined {
    return this.#document.get(stream, partitionKey) as PartitionState<C> | undefined;
  }

  partitions(stream: string): Readonly<Record<string, PartitionState>> {
    return this.#document.partitions(stream);
  }

  commit(stream: string, partitionKey: string, cursor: unknown, partition?: unknown, outputs?: readonly string[]): Promise<void> {
    const committedAt = new Date(this.#clock.now()).toISOString();
    this.#document.set(stream, partitionKey, partitionState(cursor, committedAt, partition, outputs));
    return this.#scheduleWrite();
  }

  remove(stream: string, partitionKey: string): Promise<void> {
    this.#document.remove(stream, partitionKey);
    return this.#scheduleWrite();
  }

  failure(stream: string, partitionKey: string): FailedPartition | undefined {
    return this.#document.failure(stream, partitionKey);
  }

  setFailure(stream: string, partitionKey: string, code: string | undefined): Promise<void> {
    if (code === undefined && this.#document.failure(stream, partitionKey) === undefined) return Promise.resolve();
    const failedAt = new Date(this.#clock.now()).toISOString();
    this.#document.setFailure(stream, partitionKey, code === undefined ? undefined : { stream, partition: partitionKey, code, failedAt });
    return this.#scheduleWrite();
  }

  snapshot(): SyncState {
    return this.#document.snapshot();
  }

  /**
   * Joins the queued write, or queues one to start when the write in flight ends. The document is serialized
   * when the write starts, so it holds every change made until then.
   */
  #scheduleWrite(): Promise<void> {
    if (this.#queued !== undefined) return this.#queued;
    const previous = this.#inFlight ?? Promise.resolve();
    const queued = previous
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        const write = writeFileAtomic(this.path, this.#document.serializeParts(), this.#ops);
        this.#inFlight = write;
        const clear = () => {
          if (this.#inFlight === write) this.#inFlight = undefined;
        };
        write.then(clear, clear);
        return write;
      });
    this.#queued = queued;
    return queued;
  }

  async #removeLeftoverTempFiles(): Promise<void> {
    const prefix = tempPrefix(this.path);
    const dir = dirname(this.path);
    for (const entry of await readdir(dir)) {
      if (entry.startsWith(prefix) && entry.endsWith('.tmp')) await this.#ops.unlink(join(dir, entry)).catch(() => undefined);
    }
  }
}

/** The file operations with the test-only crash points around the state file's rename (unchanged when unarmed). */
function withKillPoints(ops: FileOps, kill: KillSwitch | undefined): FileOps {
  if (kill === undefined) return ops;
  return {
    ...ops,
    rename: async (from, to) => {
      kill.reached('state-before-rename');
      await ops.rename(from, to);
      kill.reached('state-renamed');
    },
  };
}
