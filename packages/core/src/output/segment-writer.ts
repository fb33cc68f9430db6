import { once } from 'node:events';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { KillSwitch } from '../state/kill-points.js';

/**
 * Characters of lines gathered before they go to the gzip stream (or the file) in one write. Every write to a
 * zlib stream is a round trip to libuv's thread pool; one per record cost more CPU than the whole rest of a
 * sync. Small enough to stay a short-lived string (under V8's large-object size).
 */
const BATCH_CHARS = 32 * 1024;

/**
 * zlib settings of a segment: `memLevel` 7 halves the hash table (64 KiB instead of 128 KiB of native memory
 * per open segment, and a run keeps one open per output of every partition in flight) for a slightly larger file.
 */
const GZIP_OPTIONS = { memLevel: 7 } as const;

/**
 * One segment file being written: JSON Lines, gzipped by default, at a `.partial` path until {@link finish}
 * makes it durable and renames it to its final name. Lines are gathered into batches of about
 * {@link BATCH_CHARS} before they are written; writes honour the file's backpressure. Nothing is durable
 * before `finish` anyway, so the batching changes no guarantee.
 */
export class SegmentWriter {
  readonly partialPath: string;
  readonly #handle: FileHandle;
  readonly #file: Writable;
  readonly #sink: Writable;
  /** Settles when everything written has reached the file (after `end`), or rejects on the first write error. */
  readonly #done: Promise<void>;
  #error: unknown;
  #drain: Promise<void> | undefined;
  #ended = false;
  /** Lines gathered and not yet handed to the sink. */
  #batch: string[] = [];
  #batchChars = 0;
  /** Lines written. */
  lines = 0;
  /** Test-only crash points (see kill-points.ts); undefined in production. */
  readonly #kill: KillSwitch | undefined;

  private constructor(partialPath: string, handle: FileHandle, gzip: boolean, kill: KillSwitch | undefined) {
    this.partialPath = partialPath;
    this.#handle = handle;
    this.#kill = kill;
    // autoClose off: `finish` must fsync the descriptor before it is closed.
    const file = handle.createWriteStream({ autoClose: false });
    this.#file = file;
    if (gzip) {
      const gzipStream = createGzip(GZIP_OPTIONS);
      this.#sink = gzipStream;
      this.#done = pipeline(gzipStream, file);
    } else {
      this.#sink = file;
      this.#done = finished(file);
    }
    this.#done.catch((error: unknown) => {
      this.#error ??= error;
    });
  }

  /** Creates the `.partial` file; fails if it exists (a run folder is never written twice). */
  static async open(partialPath: string, gzip: boolean, kill?: KillSwitch): Promise<SegmentWriter> {
    return new SegmentWriter(partialPath, await open(partialPath, 'wx'), gzip, kill);
  }

  /** Appends one line (which must end with `\n`); resolves when the sink can take more. */
  async write(line: string): Promise<void> {
    if (this.#error !== undefined) throw this.#error;
    if (this.#ended) throw new Error(`segment ${this.partialPath} is already closed`);
    this.lines += 1;
    this.#batch.push(line);
    this.#batchChars += line.length;
    if (this.#batchChars < BATCH_CHARS) return;
    // Taken synchronously, so concurrent writes keep their order.
    if (!this.#sink.write(this.#takeBatch())) {
      // One shared wait for all writers blocked on this drain. Raced against the pipeline: a failed file write
      // would otherwise leave us waiting forever.
      this.#drain ??= Promise.race([once(this.#sink, 'drain'), this.#done]).then(() => {
        this.#drain = undefined;
      });
      await this.#drain;
      if (this.#error !== undefined) throw this.#error;
    }
  }

  #takeBatch(): string {
    const text = this.#batch.length === 1 ? (this.#batch[0] as string) : this.#batch.join('');
    this.#batch = [];
    this.#batchChars = 0;
    return text;
  }

  /** Ends the gzip member, fsyncs and closes the file, then renames it to `finalPath`. The caller fsyncs the folder. */
  async finish(finalPath: string): Promise<void> {
    this.#ended = true;
    if (this.#batch.length > 0 && this.#error === undefined) this.#sink.end(this.#takeBatch());
    else this.#sink.end();
    try {
      await this.#done;
      await this.#handle.sync();
      this.#kill?.reached('segment-synced');
    } finally {
      await this.#close();
    }
    await rename(this.partialPath, finalPath);
    this.#kill?.reached('segment-renamed');
  }

  /**
   * A stream made by `FileHandle.createWriteStream` holds a reference on the handle until it is destroyed, and
   * `FileHandle.close()` waits for it; with `autoClose: false` destroying the stream leaves the descriptor open.
   */
  async #close(): Promise<void> {
    this.#file.destroy();
    await this.#handle.close();
  }

  /** Throws the segment away: stops writing and deletes the `.partial` file. Never throws. */
  async discard(): Promise<void> {
    this.#ended = true;
    this.#batch = [];
    this.#batchChars = 0;
    this.#sink.destroy();
    await this.#done.catch(() => undefined);
    await this.#close().catch(() => undefined);
    await unlink(this.partialPath).catch(() => undefined);
  }
}
