import { lstat, readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, gunzip } from 'node:zlib';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../http/transport.js';
import { fileKind, NotRegularFileError, openRegularFile } from './regular-file.js';
import { compareSegmentNames, parseSegmentName } from './safe-name.js';
import { STREAMS_FOLDER } from './run-writer.js';
import type { RecordEnvelope } from './types.js';

/** A finished segment file of a run or snapshot folder. */
export interface SegmentFile {
  readonly stream: string;
  readonly path: string;
  /** Its path relative to the run folder (`streams/<stream>/<file>`): what errors name. */
  readonly name: string;
  readonly bytes: number;
  readonly gzip: boolean;
}

/**
 * Longest line a segment may hold, in characters: one record with its envelope can be no larger than the largest
 * response the client accepts (`DEFAULT_MAX_RESPONSE_BYTES`) plus room for the envelope. A longer line is not a
 * record bbsync wrote, and reading on would hold all of it in memory.
 */
export const MAX_LINE_CHARS = DEFAULT_MAX_RESPONSE_BYTES + 1024 * 1024;

/**
 * The finished segment files of a run or snapshot folder, per stream (streams sorted by name), each stream's
 * files in fold order (by partition file stem, then sequence number). `.partial` files are never data: a crash
 * or an aborted partition left them, so they are skipped. A folder without `streams/` has no segments.
 *
 * Only regular files and folders count: a symbolic link or special file where a stream folder or segment would be
 * is refused ({@link SegmentReadError}), never followed (bbsync writes none; a folder downloaded or shared may).
 */
export async function listSegments(dir: string): Promise<Map<string, SegmentFile[]>> {
  const root = join(dir, STREAMS_FOLDER);
  const result = new Map<string, SegmentFile[]>();
  const rootInfo = await lstat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (rootInfo === undefined) return result;
  if (!rootInfo.isDirectory()) throw new SegmentReadError(STREAMS_FOLDER, new NotRegularFileError(fileKind(rootInfo)));
  const entries = await readdir(root, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.isSymbolicLink()) throw new SegmentReadError(`${STREAMS_FOLDER}/${entry.name}`, new NotRegularFileError('a symbolic link'));
  }
  const streams = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  // Listed concurrently: a merge of many small runs is bound by file-system latency, not by bandwidth.
  const listed = await Promise.all(
    streams.sort().map(async (stream) => {
      const segments = (await readdir(join(root, stream), { withFileTypes: true }))
        .filter((entry) => parseSegmentName(entry.name) !== undefined)
        .sort((a, b) => compareSegmentNames(a.name, b.name));
      const files = await Promise.all(
        segments.map(async (entry): Promise<SegmentFile> => {
          const name = `${STREAMS_FOLDER}/${stream}/${entry.name}`;
          const path = join(root, stream, entry.name);
          if (!entry.isFile()) throw new SegmentReadError(name, new NotRegularFileError(entry.isSymbolicLink() ? 'a symbolic link' : fileKind(await lstat(path))));
          return { stream, path, name, bytes: (await lstat(path)).size, gzip: (parseSegmentName(entry.name) as { gzip: boolean }).gzip };
        }),
      );
      return [stream, files] as const;
    }),
  );
  for (const [stream, files] of listed) result.set(stream, files);
  return result;
}

/** A line longer than {@link MAX_LINE_CHARS}. */
class LineTooLongError extends Error {
  constructor(maxChars: number) {
    super(`holds a line longer than ${maxChars} characters, more than any record bbsync writes`);
    this.name = 'LineTooLongError';
  }
}

/**
 * The lines of one segment file (gunzipped when it is `.gz`), without their line ends; empty lines skipped.
 * The file is opened as a regular file only, through no link ({@link openRegularFile}); a line longer than
 * `maxLineChars` ends the read with an error.
 */
export async function* readLines(file: Pick<SegmentFile, 'path' | 'gzip'>, maxLineChars = MAX_LINE_CHARS): AsyncGenerator<string> {
  const { handle } = await openRegularFile(file.path);
  const raw = handle.createReadStream();
  let input: Readable = raw;
  if (file.gzip) {
    const gunzipStream = createGunzip();
    raw.on('error', (error) => gunzipStream.destroy(error));
    gunzipStream.on('close', () => raw.destroy());
    input = raw.pipe(gunzipStream);
  }
  // Iterating the stream itself (not readline) makes a read or gunzip error (a truncated file) throw here.
  const decoder = new StringDecoder('utf8');
  // The start of the line being read, in pieces: only each new chunk is searched for a line end, so a long line
  // costs its length, not its length times the chunks it spans.
  let pieces: string[] = [];
  let pendingChars = 0;
  const take = (text: string): string[] => {
    const lines: string[] = [];
    let from = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', from)) {
      if (pendingChars + end - from > maxLineChars) throw new LineTooLongError(maxLineChars);
      const piece = text.slice(from, end);
      if (pieces.length === 0) lines.push(piece);
      else {
        pieces.push(piece);
        lines.push(pieces.join(''));
        pieces = [];
        pendingChars = 0;
      }
      from = end + 1;
    }
    if (from < text.length) {
      pendingChars += text.length - from;
      if (pendingChars > maxLineChars) throw new LineTooLongError(maxLineChars);
      pieces.push(text.slice(from));
    }
    return lines;
  };
  try {
    for await (const chunk of input) {
      for (const line of take(decoder.write(chunk as Buffer))) if (line.length > 0) yield line;
    }
    take(decoder.end());
    const last = pieces.join('');
    if (last.length > 0) yield last;
  } finally {
    input.destroy();
    raw.destroy();
    await handle.close().catch(() => undefined);
  }
}

const gunzipAsync = promisify(gunzip);

/** Files up to this size (on disk) are read whole, ahead of time; larger ones are streamed. */
const SMALL_FILE_BYTES = 256 * 1024;
/**
 * Most text a small file may gunzip to when read whole; one that holds more (a gzip bomb, or just very
 * compressible data) is streamed instead, so a read-ahead window never holds more than this per file.
 */
const SMALL_FILE_TEXT_BYTES = 16 * 1024 * 1024;
/** Small files read ahead of the one being consumed: bounds memory at about this many small files. */
const READ_AHEAD = 16;

/** The lines of a small file, read whole; undefined when it turned out not to be small (then it is streamed). */
async function readSmallFile(file: SegmentFile, maxLineChars: number): Promise<string[] | undefined> {
  const { handle, size } = await openRegularFile(file.path);
  let raw: Buffer;
  try {
    if (size > SMALL_FILE_BYTES) return undefined;
    raw = await handle.readFile();
  } finally {
    await handle.close();
  }
  let text: Buffer;
  try {
    text = file.gzip ? await gunzipAsync(raw, { maxOutputLength: SMALL_FILE_TEXT_BYTES }) : raw;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw error;
  }
  const lines = text.toString('utf8').split('\n');
  if (lines.some((line) => line.length > maxLineChars)) throw new LineTooLongError(maxLineChars);
  return lines.filter((line) => line.length > 0);
}

/**
 * The lines of several segment files, in file order, each with its file. A run holds thousands of small
 * segments (one per partition and checkpoint), so opening them one after the other would be bound by
 * file-system latency: small files are read (and gunzipped) ahead, a bounded window at a time.
 */
export async function* readLinesInOrder(files: readonly SegmentFile[], maxLineChars = MAX_LINE_CHARS): AsyncGenerator<[SegmentFile, string]> {
  const ahead = new Map<number, Promise<string[] | undefined>>();
  let nextToRead = 0;
  for (let index = 0; index < files.length; index++) {
    while (nextToRead < files.length && nextToRead <= index + READ_AHEAD) {
      const candidate = files[nextToRead] as SegmentFile;
      if (candidate.bytes <= SMALL_FILE_BYTES) {
        const read = readSmallFile(candidate, maxLineChars);
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
      lines = (await prefetched) ?? readLines(file, maxLineChars);
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

/**
 * A file of a run folder could not be read (missing, truncated, not gzip, a link or special file, a line too
 * long). The message names the file relative to its folder and what is wrong, never the file's content.
 */
export class SegmentReadError extends Error {
  /** The file's path relative to its run or snapshot folder. */
  readonly fileName: string;
  /** The segment, when the error is about one. */
  readonly file: SegmentFile | undefined;
  /** What is wrong, without the file's content. */
  readonly problem: string;
  constructor(file: SegmentFile | string, cause: unknown) {
    const fileName = typeof file === 'string' ? file : file.name;
    const problem = describeProblem(cause);
    super(`${fileName} ${problem}`, { cause });
    this.name = 'SegmentReadError';
    this.fileName = fileName;
    this.file = typeof file === 'string' ? undefined : file;
    this.problem = problem;
  }
}

/**
 * What went wrong reading a file, in words that cannot carry its bytes: the file-system and zlib codes, or the
 * message of an error of this module (none quotes content). JSON.parse's messages quote the text, so they are
 * never used.
 */
function describeProblem(cause: unknown): string {
  if (cause instanceof NotRegularFileError || cause instanceof LineTooLongError || cause instanceof InvalidLineError) return cause.message;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'cannot be read: it is gone (deleted during the merge?)';
  if (code === 'Z_BUF_ERROR') return 'cannot be read: the gzip data is truncated';
  if (code === 'Z_DATA_ERROR') return 'cannot be read: it is not valid gzip data';
  if (typeof code === 'string') return `cannot be read (${code})`;
  return 'cannot be read';
}

/** A line that is not a record envelope. The message says which line and why, never what it holds. */
export class InvalidLineError extends Error {
  constructor(lineNumber: number, problem: string) {
    super(`line ${lineNumber} ${problem}`);
    this.name = 'InvalidLineError';
  }
}

/** Parses one line of a segment; a line that is not JSON is an error that does not quote it (JSON.parse's would). */
export function parseSegmentLine(line: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new InvalidLineError(lineNumber, 'is not valid JSON');
  }
}

/** Every record envelope of a run or snapshot folder, stream by stream, in fold order. For tests and tools. */
export async function* readRecords(dir: string): AsyncGenerator<RecordEnvelope> {
  for (const files of (await listSegments(dir)).values()) {
    let current: SegmentFile | undefined;
    let lineNumber = 0;
    for await (const [file, line] of readLinesInOrder(files)) {
      lineNumber = file === current ? lineNumber + 1 : 1;
      current = file;
      let envelope: RecordEnvelope;
      try {
        envelope = parseSegmentLine(line, lineNumber) as RecordEnvelope;
      } catch (error) {
        throw new SegmentReadError(file, error);
      }
      yield envelope;
    }
  }
}
