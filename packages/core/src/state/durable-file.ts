import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** An open file, as far as durable writes need one. */
export interface DurableFileHandle {
  /** Writes all of `data` (looping over short writes) after what was written before. */
  writeFile(data: string | Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The few file-system steps a crash-safe write takes. Production uses {@link nodeFileOps}; tests wrap it to
 * fail at any step (a stand-in for a crash at that instant) and check what is left on disk.
 */
export interface FileOps {
  open(path: string, flags: 'w' | 'wx'): Promise<DurableFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** fsyncs a directory, so a rename or a new file in it survives a power loss. */
  syncDir(path: string): Promise<void>;
}

/**
 * fsyncs a directory. Windows cannot open a directory for fsync (EPERM/EISDIR) and some file systems refuse it
 * (EINVAL); there the rename is as durable as the platform allows, so those errors are ignored.
 */
export async function syncDir(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'ENOTSUP') throw error;
  } finally {
    await handle?.close();
  }
}

export const nodeFileOps: FileOps = {
  open: (path, flags) => open(path, flags),
  rename: (from, to) => rename(from, to),
  unlink: (path) => unlink(path),
  syncDir,
};

/**
 * What {@link writeFileAtomic} writes: text, bytes, or either in pieces (written in order, a batch at a time,
 * never joined whole). Pieces are read while the write goes on: they must not change meanwhile.
 */
export type DurableFileData = string | Uint8Array | Iterable<string | Uint8Array>;

/** Bytes handed to one write call when the data comes in pieces. */
const WRITE_BATCH_BYTES = 256 * 1024;

/** Writes pieces in order, copied into one reused batch buffer (a piece larger than the batch goes alone). */
async function writePieces(handle: DurableFileHandle, pieces: Iterable<string | Uint8Array>): Promise<void> {
  const batch = Buffer.allocUnsafeSlow(WRITE_BATCH_BYTES);
  let used = 0;
  const flush = async () => {
    if (used === 0) return;
    // writeFile resolves once the bytes are written, so the batch can be reused after it.
    await handle.writeFile(batch.subarray(0, used));
    used = 0;
  };
  for (const piece of pieces) {
    const length = typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.length;
    if (used + length > WRITE_BATCH_BYTES) await flush();
    if (length > WRITE_BATCH_BYTES) {
      await handle.writeFile(piece);
    } else if (typeof piece === 'string') {
      used += batch.write(piece, used, 'utf8');
    } else {
      batch.set(piece, used);
      used += length;
    }
  }
  await flush();
}

/** The temp-file prefix {@link writeFileAtomic} uses beside `path`, so leftovers of a crash can be recognized. */
export function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/**
 * Replaces `path` with `data` so that a crash at any instant leaves either the old file or the new one, never a
 * mix: write a temp file in the same folder (a rename is only atomic within one file system), fsync it, rename it
 * over `path`, then fsync the folder so the rename itself is durable. Resolves once all of that is done. Data in
 * pieces is written piece after piece, never joined whole.
 */
export async function writeFileAtomic(path: string, data: DurableFileData, ops: FileOps = nodeFileOps): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `${tempPrefix(path)}${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const handle = await ops.open(temp, 'wx');
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
      else await writePieces(handle, data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await ops.rename(temp, path);
    renamed = true;
    await ops.syncDir(dir);
  } catch (error) {
    if (!renamed) await ops.unlink(temp).catch(() => undefined);
    throw error;
  }
}
