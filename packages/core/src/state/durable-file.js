import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
/**
 * fsyncs a directory. Windows cannot open a directory for fsync (EPERM/EISDIR) and some file systems refuse it
 * (EINVAL); there the rename is as durable as the platform allows, so those errors are ignored.
 */
export async function syncDir(path) {
    if (process.platform === 'win32')
        return;
    let handle;
    try {
        handle = await open(path, 'r');
        await handle.sync();
    }
    catch (error) {
        const code = error.code;
        if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'ENOTSUP')
            throw error;
    }
    finally {
        await handle?.close();
    }
}
export const nodeFileOps = {
    open: (path, flags) => open(path, flags),
    rename: (from, to) => rename(from, to),
    unlink: (path) => unlink(path),
    syncDir,
};
/** The temp-file prefix {@link writeFileAtomic} uses beside `path`, so leftovers of a crash can be recognized. */
export function tempPrefix(path) {
    return `.${basename(path)}.`;
}
/**
 * Replaces `path` with `data` so that a crash at any instant leaves either the old file or the new one, never a
 * mix: write a temp file in the same folder (a rename is only atomic within one file system), fsync it, rename it
 * over `path`, then fsync the folder so the rename itself is durable. Resolves once all of that is done.
 */
export async function writeFileAtomic(path, data, ops = nodeFileOps) {
    const dir = dirname(path);
    const temp = join(dir, `${tempPrefix(path)}${randomBytes(6).toString('hex')}.tmp`);
    let renamed = false;
    try {
        const handle = await ops.open(temp, 'wx');
        try {
            await handle.writeFile(data);
            await handle.sync();
        }
        finally {
            await handle.close();
        }
        await ops.rename(temp, path);
        renamed = true;
        await ops.syncDir(dir);
    }
    catch (error) {
        if (!renamed)
            await ops.unlink(temp).catch(() => undefined);
        throw error;
    }
}
//# sourceMappingURL=durable-file.js.map