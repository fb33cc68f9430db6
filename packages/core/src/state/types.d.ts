/** The versioned cursor document. Keyed by stream, then by canonical partition key (stable ids, e.g. repository UUIDs). */
export interface SyncState {
    readonly version: 1;
    /** Which source and scope this state belongs to (e.g. `cloud:https://api.bitbucket.org/2.0:workspace`); a mismatch is a config error. */
    readonly scope: string;
    readonly streams: Readonly<Record<string, Readonly<Record<string, PartitionState>>>>;
}
export interface PartitionState<C = unknown> {
    /** The stream-specific cursor (JSON). */
    readonly cursor: C;
    /** ISO time the cursor was committed. */
    readonly committedAt: string;
    /** The partition's descriptor as last seen (e.g. repository slug and name), for reports and deletion detection. */
    readonly partition?: unknown;
    /**
     * The output streams the cursor covers (the outputs selected when it was committed). When a run selects an
     * output that is not in this list, the engine reads the partition from scratch so the new output is backfilled.
     * Absent means every output of the stream.
     */
    readonly outputs?: readonly string[] | undefined;
}
/** Durable state. `commit` resolves only once the new document is fsync'd and atomically renamed into place. */
export interface StateStore {
    load(): Promise<SyncState>;
    get<C = unknown>(stream: string, partitionKey: string): PartitionState<C> | undefined;
    /** All partitions of a stream, as last committed. */
    partitions(stream: string): Readonly<Record<string, PartitionState>>;
    commit(stream: string, partitionKey: string, cursor: unknown, partition?: unknown, outputs?: readonly string[]): Promise<void>;
    /** Removes a partition's state (after its deletion marker is durably written). */
    remove(stream: string, partitionKey: string): Promise<void>;
    snapshot(): SyncState;
}
//# sourceMappingURL=types.d.ts.map