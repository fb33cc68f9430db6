import { type Clock } from '../clock.js';
import { type FileOps } from './durable-file.js';
import type { PartitionState, StateStore, SyncState } from './types.js';
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
export declare class FileStateStore implements StateStore {
    #private;
    readonly path: string;
    readonly scope: string;
    private constructor();
    /**
     * Opens (and loads) the state at `path` for `scope`. A missing file is an empty state (a first sync); a file
     * of another scope or an unknown version is a `config_error`.
     */
    static open(path: string, scope: string, options?: FileStateStoreOptions): Promise<FileStateStore>;
    load(): Promise<SyncState>;
    get<C = unknown>(stream: string, partitionKey: string): PartitionState<C> | undefined;
    partitions(stream: string): Readonly<Record<string, PartitionState>>;
    commit(stream: string, partitionKey: string, cursor: unknown, partition?: unknown, outputs?: readonly string[]): Promise<void>;
    remove(stream: string, partitionKey: string): Promise<void>;
    snapshot(): SyncState;
}
//# sourceMappingURL=file-state-store.d.ts.map