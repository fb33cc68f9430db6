/** An open file, as far as durable writes need one. */
export interface DurableFileHandle {
    /** Writes all of `data` (looping over short writes). */
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
export declare function syncDir(path: string): Promise<void>;
export declare const nodeFileOps: FileOps;
/** The temp-file prefix {@link writeFileAtomic} uses beside `path`, so leftovers of a crash can be recognized. */
export declare function tempPrefix(path: string): string;
/**
 * Replaces `path` with `data` so that a crash at any instant leaves either the old file or the new one, never a
 * mix: write a temp file in the same folder (a rename is only atomic within one file system), fsync it, rename it
 * over `path`, then fsync the folder so the rename itself is durable. Resolves once all of that is done.
 */
export declare function writeFileAtomic(path: string, data: string | Uint8Array, ops?: FileOps): Promise<void>;
//# sourceMappingURL=durable-file.d.ts.map