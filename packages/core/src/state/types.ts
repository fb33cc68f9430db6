/** The versioned cursor document. Keyed by stream, then by canonical partition key (stable ids, e.g. repository UUIDs). */
export interface SyncState {
  readonly version: 1;
  /** Which source and scope this state belongs to (e.g. `cloud:https://api.bitbucket.org/2.0:workspace`); a mismatch is a config error. */
  readonly scope: string;
  readonly streams: Readonly<Record<string, Readonly<Record<string, PartitionState>>>>;
  /**
   * Partitions whose last read failed (their cursors did not advance), so the next run retries them first.
   * A list, not an object keyed by data. Absent when none failed.
   */
  readonly failed?: readonly FailedPartition[] | undefined;
}

/** A partition whose last read failed. Cleared by its next commit (or a successful read that commits nothing). */
export interface FailedPartition {
  readonly stream: string;
  /** The canonical partition key (`''` for a workspace stream). */
  readonly partition: string;
  /** The error code it failed with. */
  readonly code: string;
  /** ISO time of the failure. */
  readonly failedAt: string;
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
  /** Removes a partition's state (after its deletion marker is durably written), and its failure mark. */
  remove(stream: string, partitionKey: string): Promise<void>;
  /** The failure mark of a partition, if its last read failed. */
  failure(stream: string, partitionKey: string): FailedPartition | undefined;
  /**
   * Marks a partition failed with `code` (durably, like a commit), or clears its mark (`undefined`). A commit
   * of the partition clears its mark too.
   */
  setFailure(stream: string, partitionKey: string, code: string | undefined): Promise<void>;
  snapshot(): SyncState;
}
