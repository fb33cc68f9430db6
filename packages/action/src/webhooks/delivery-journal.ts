/**
 * The delivery ids already acknowledged, on disk, so a redelivery after a restart is recognised: one line
 * `<source> <id>` per delivery, appended and fsync'd before the receiver answers 2xx. On open the last
 * `capacity` ids are loaded; a journal grown past twice that is compacted (temp file, fsync, rename), so
 * memory and disk stay bounded however long the receiver runs.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { writeFileAtomic } from '@bbsync/core';

/** Ids Bitbucket sends are UUIDs (Cloud with or without braces): anything else is refused before use. */
export const DELIVERY_ID_PATTERN = /^[A-Za-z0-9{}-]{1,128}$/;

export class DeliveryJournal {
  readonly #path: string;
  readonly #capacity: number;
  /** Insertion-ordered: the oldest are forgotten first. */
  readonly #seen = new Set<string>();
  #handle: FileHandle | undefined;

  private constructor(path: string, capacity: number) {
    this.#path = path;
    this.#capacity = capacity;
  }

  /** Opens (or creates) the journal at `path`. @param capacity ids remembered. @default 200000 */
  static async open(path: string, capacity = 200_000): Promise<DeliveryJournal> {
    const journal = new DeliveryJournal(path, capacity);
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    // A torn last line (a crash mid-append) is not a complete entry: only lines ending in "\n" count.
    const lines = text.split('\n').slice(0, -1).filter((line) => line !== '');
    for (const line of lines.slice(-capacity)) journal.#seen.add(line);
    if (lines.length > 2 * capacity || !text.endsWith('\n') && text !== '') {
      await writeFileAtomic(path, [...journal.#seen].map((line) => `${line}\n`).join(''));
    }
    journal.#handle = await open(path, 'a');
    return journal;
  }

  has(source: string, id: string): boolean {
    return this.#seen.has(`${source} ${id}`);
  }

  /** Appends the ids and fsyncs: when it resolves, a restart still knows them. */
  async append(entries: readonly { readonly source: string; readonly id: string }[]): Promise<void> {
    if (entries.length === 0) return;
    const handle = this.#handle;
    if (handle === undefined) throw new Error('the delivery journal is closed');
    const lines = entries.map((entry) => `${entry.source} ${entry.id}`);
    await handle.appendFile(lines.map((line) => `${line}\n`).join(''));
    await handle.datasync();
    for (const line of lines) {
      this.#seen.add(line);
      if (this.#seen.size > this.#capacity) this.#seen.delete(this.#seen.values().next().value as string);
    }
  }

  async close(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
