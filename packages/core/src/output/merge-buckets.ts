import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { join } from 'node:path';

/** FNV-1a (32 bit) of a string's UTF-16 code units: fast, stable across runs and platforms, well spread. */
export function keyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * N temporary JSON Lines files that split one stream's lines by key hash, so that every version of a key lands
 * in the same bucket, in the order the lines were added. Folding one bucket at a time keeps memory at one
 * bucket's distinct records.
 */
export class BucketFiles {
  readonly paths: readonly string[];
  readonly #streams: WriteStream[];

  constructor(dir: string, count: number) {
    this.paths = Array.from({ length: count }, (_, index) => join(dir, `bucket-${index}.jsonl`));
    this.#streams = this.paths.map((path) => createWriteStream(path, { flags: 'wx' }));
  }

  /** Appends a line (without its line end) to the bucket of `key`; awaits that bucket's backpressure. */
  async add(key: string, line: string): Promise<void> {
    const stream = this.#streams[keyHash(key) % this.#streams.length] as WriteStream;
    if (!stream.write(`${line}\n`)) await once(stream, 'drain');
  }

  /** Closes every bucket file (temporary: no fsync needed, a crash restarts the merge). */
  async close(): Promise<void> {
    await Promise.all(
      this.#streams.map((stream) => {
        stream.end();
        return finished(stream);
      }),
    );
  }

  /** Closes the files without waiting for their data (after a failure). */
  destroy(): void {
    for (const stream of this.#streams) stream.destroy();
  }
}
