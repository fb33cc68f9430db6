import type { PartitionState, SyncState } from './types.js';
/** The only state document version this code reads and writes. */
export declare const STATE_VERSION = 1;
/** Mutable in-memory form of {@link SyncState}'s `streams`: stream -> partition key -> state. */
export type StreamStates = Record<string, Record<string, PartitionState>>;
export declare function emptyState(scope: string): SyncState;
/**
 * Parses and checks a state document. A document of another `scope` (another source, workspace or server) or
 * an unknown `version` is a `config_error`: silently reusing it would skip or replay data.
 */
export declare function parseState(text: string, scope: string, where: string): SyncState;
/** Copies a JSON value, so a caller mutating its cursor object later cannot change what was committed. */
export declare function copyJson<T>(value: T): T;
/** Builds the partition state that `commit` stores. */
export declare function partitionState(cursor: unknown, committedAt: string, partition: unknown, outputs: readonly string[] | undefined): PartitionState;
/** Holds the state in memory; both stores share it. */
export declare class StateDocument {
    #private;
    readonly scope: string;
    constructor(state: SyncState);
    get(stream: string, key: string): PartitionState | undefined;
    partitions(stream: string): Readonly<Record<string, PartitionState>>;
    set(stream: string, key: string, state: PartitionState): void;
    remove(stream: string, key: string): void;
    snapshot(): SyncState;
    serialize(): string;
}
//# sourceMappingURL=state-document.d.ts.map