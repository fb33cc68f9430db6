import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, gunzip } from 'node:zlib';
import { compareSegmentNames, parseSegmentName } from './safe-name.js';
import { STREAMS_FOLDER } from './run-writer.js';
import type { RecordEnvelope } from './types.js';

/** A finished segment file of a run or snapshot folder. */
export interface SegmentFile {
  readonly stream: string;
  readonly path: string;
  readonly bytes: number;
  readonly gzip: boolean;
}

/**
 * The finished segment files of a run or snapshot folder, per stream (streams sorted by name), each stream's
 * files in fold order (by partition file stem, then sequence number). `.partial` files are never data: a crash
 * or an aborted partition left them, so they are skipped. A folder without `streams/` has no segments.
 */
export async function listSegments(dir: string): Promise<Map<string, SegmentFile[]>> {
  const root = join(dir, STREAMS_FOLDER);
  const result = new Map<string, SegmentFile[]>();
  let streams: string[];
  try {
    streams = (await readdir(root, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw error;
  }
  // Listed concurrently: a merge of many small runs is bound by file-system latency, not by bandwidth.
  const listed = await Promise.all(
    streams.sort().map(async (stream) => {
      const names = (await readdir(join(root, stream))).filter((name) => parseSegmentName(name) !== undefined).sort(compareSegmentNames);
      const files = await Promise.all(
        names.map(async (name): Promise<SegmentFile> => {
          const path = join(root, stream, name);
          return { stream, path, bytes: (await stat(path)).size, gzip: (parseSegmentName(name) as { gzip: boolean }).gzip };
        }),
      );
      return [stream, files] as const;
    }),
  );
  for (const [stream, files] of listed) result.set(stream, files);
  return result;
}

function openSegment(file: Pick<SegmentFile, 'path' | 'gzip'>): Readable {
  const raw = createReadStream(file.path);
  if (!file.gzip) return raw;
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  gunzip.on('close', () => raw.destroy());
  return raw.pipe(gunzip);
}

/** The lines of one segment file (gunzipped when it is `.gz`), without their line ends; empty lines skipped. */
export async function* readLines(file: Pick<SegmentFile, 'path' | 'gzip'>): AsyncGenerator<string> {
  // Iterating the stream itself (not readline) makes a read or gunzip error (a truncated file) throw here.
  const input = openSegment(file);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of input) {
      const lines = (rest + decoder.write(chunk as Buffer)).split('\n');
      rest = lines.pop() as string;
      for (const line of lines) if (line.length > 0) yield line;
    }
    rest += decoder.end();
    if (rest.length > 0) yield rest;
  } finally {
    input.destroy();
  }
}

const gunzipAsync = promisify(gunzip);

/** Files up to this size (on disk) are read whole, ahead of time; larger ones are streamed. */
const SMALL_FILE_BYTES = 256 * 1024;
/** Small files read ahead of the one being consumed: bounds memory at about this many small files. */
const READ_AHEAD = 16;

async function readSmallFile(file: SegmentFile): Promise<string[]> {
  const raw = await readFile(file.path);
  const text = (file.gzip ? await gunzipAsync(raw) : raw).toString('utf8');
  return text.split('\n').filter((line) => line.length > 0);
}

/**
 * The lines of several segment files, in file order, each with its file. A run holds thousands of small
 * segments (one per partition and checkpoint), so opening them one after the other would be bound by
 * file-system latency: small files are read (and gunzipped) ahead, a bounded window at a time.
 */
export async function* readLinesInOrder(files: readonly SegmentFile[]): AsyncGenerator<[SegmentFile, string]> {
  const ahead = new Map<number, Promise<string[]>>();
  let nextToRead = 0;
  for (let index = 0; index < files.length; index++) {
    while (nextToRead < files.length && nextToRead <= index + READ_AHEAD) {
      const candidate = files[nextToRead] as SegmentFile;
      if (candidate.bytes <= SMALL_FILE_BYTES) {
        const read = readSmallFile(candidate);
        read.catch(() => undefined); // awaited (and thrown) in order below; never an unhandled rejection
        ahead.set(nextToRead, read);
      }
      nextToRead += 1;
    }
    const file = files[index] as SegmentFile;
    const prefetched = ahead.get(index);
    ahead.delete(index);
    let lines: Iterable<string> | AsyncIterable<string>;
    try {
      lines = prefetched === undefined ? readLines(file) : await prefetched;
    } catch (error) {
      throw new SegmentReadError(file, error);
    }
    const iterator = Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : lines[Symbol.iterator]();
    for (;;) {
      let next: IteratorResult<string>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw new SegmentReadError(file, error);
      }
      if (next.done === true) break;
      yield [file, next.value];
    }
  }
}

/** A segment file could not be read (missing, truncated, not gzip). */
export class SegmentReadError extends Error {
  readonly file: SegmentFile;
  constructor(file: SegmentFile, cause: unknown) {
    super(`${file.path} cannot be read: ${(cause as Error).message}`, { cause });
    this.name = 'SegmentReadError';
    this.file = file;
  }
}

/** Every record envelope of a run or snapshot folder, stream by stream, in fold order. For tests and tools. */
export async function* readRecords(dir: string): AsyncGenerator<RecordEnvelope> {
  for (const files of (await listSegments(dir)).values()) {
    for await (const [, line] of readLinesInOrder(files)) yield JSON.parse(line) as RecordEnvelope;
  }
}
