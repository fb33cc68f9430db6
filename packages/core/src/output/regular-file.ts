/**
 * Opening files of a run or snapshot folder that bbsync did not necessarily write itself (an artifact someone
 * downloaded, a folder someone else can write to): only regular files are read, and symbolic links are never
 * followed. A segment linked to a file outside the folder would otherwise be merged as if the run had written it,
 * a FIFO would block merge forever, and `/dev/zero` would fill memory.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';

/**
 * `O_NOFOLLOW` refuses a symbolic link as the last path component (`ELOOP`) instead of opening its target, and
 * `O_NONBLOCK` makes opening a FIFO return at once (with no writer, opening one for reading would wait forever);
 * it does not change reads of regular files. Windows has neither flag (0): there the file type check after the
 * open is what refuses links and devices.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** A file that is not a regular file, or a symbolic link. The message names its kind, never its content. */
export class NotRegularFileError extends Error {
  constructor(kind: string) {
    super(`is ${kind}, not a regular file (merge reads only regular files and follows no links)`);
    this.name = 'NotRegularFileError';
  }
}

/** What a file of this type is, in words. */
export function fileKind(info: Pick<Stats, 'isSymbolicLink' | 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket' | 'isDirectory'>): string {
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  if (info.isDirectory()) return 'a folder';
  return 'a special file';
}

/** Opens `path` for reading if it is a regular file (not through a link); resolves with the handle and its size. */
export async function openRegularFile(path: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Linux and macOS answer ELOOP for a link under O_NOFOLLOW, FreeBSD EMLINK.
    if (code === 'ELOOP' || code === 'EMLINK') throw new NotRegularFileError('a symbolic link');
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new NotRegularFileError(fileKind(info));
    return { handle, size: info.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The content of a small regular file, or undefined when it is missing, not a regular file, or larger than
 * `maxBytes` (for optional metadata such as a manifest: a hostile one is treated as absent, never followed).
 */
export async function readSmallRegularFile(path: string, maxBytes: number): Promise<Buffer | undefined> {
  let opened: { handle: FileHandle; size: number };
  try {
    opened = await openRegularFile(path);
  } catch {
    return undefined;
  }
  try {
    return opened.size > maxBytes ? undefined : await opened.handle.readFile();
  } finally {
    await opened.handle.close();
  }
}
