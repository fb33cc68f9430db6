/**
 * What bbsync writes. One run folder:
 *   <runDir>/manifest.json
 *   <runDir>/state.json                 (the state after the run; copied in by the engine at the end)
 *   <runDir>/streams/<stream>/<safe partition name>.<seq>.jsonl.gz
 * A segment is written as `<name>.partial`, then fsync'd and renamed when its partition checkpoints:
 * a `.partial` file is never data (a crash left it) and merge ignores it.
 */

/** One line of a stream's JSON Lines: the API object plus a small envelope. */
export interface RecordEnvelope<T = unknown> {
  readonly stream: string;
  /** Primary key, as a string. */
  readonly key: string;
  /** Canonical partition key (e.g. the repository UUID), or `''` for workspace-level streams. */
  readonly partition: string;
  /** ISO time the record was fetched. */
  readonly synced_at: string;
  /** True for a deletion marker: merging drops the record. `data` is then the last known object or null. */
  readonly deleted: boolean;
  readonly data: T;
}

export interface StreamCounts {
  records: number;
  deleted: number;
  partitions: number;
  failedPartitions: number;
  requests: number;
  durationMs: number;
}

/** What one stream definition did in a run (it may write several output streams). */
export interface DefinitionCounts {
  scope: 'workspace' | 'repository';
  /** Its outputs that were selected. */
  outputs: readonly string[];
  partitions: number;
  failedPartitions: number;
  /** Requests attributed to its partitions (exact when partitions ran one at a time; split evenly among concurrent ones otherwise). */
  requests: number;
  durationMs: number;
}

/** A stream definition with failed partitions in a run. */
export interface RunFailure {
  readonly stream: string;
  readonly failed: number;
  readonly done: number;
  /** Error codes of its failed partitions. */
  readonly codes: readonly string[];
  /** `listing`: a partition provider (the repository listing) failed; `everywhere`: every partition it read failed. */
  readonly whole?: 'listing' | 'everywhere' | undefined;
}

/** How a run ended, best first. */
export type RunStatus = 'complete' | 'stopped' | 'partial' | 'failed';

export interface RunManifest {
  readonly version: 1;
  readonly tool: 'bbsync';
  readonly source: string;
  readonly scope: string;
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /**
   * `complete`: every partition finished; `stopped`: a budget, cancellation or rate limit ended it early;
   * `partial`: some partitions failed (retried first next run); `failed`: a fatal error, a failed repository
   * listing, a stream that failed in every partition, or too many failed partitions. `stopReason` says what.
   */
  readonly status: RunStatus;
  readonly stopReason?: string | undefined;
  /** Per selected output stream. `records`/`deleted` are its own; the other counts are its definition's (see `definitions`). */
  readonly streams: Readonly<Record<string, StreamCounts>>;
  /** Per stream definition that ran (including partition providers whose outputs were not selected). */
  readonly definitions?: Readonly<Record<string, DefinitionCounts>> | undefined;
  readonly requests: { total: number; retries: number; rateLimited: number; rateLimitWaitMs: number; byCredential: readonly { index: number; label: string; requests: number }[] };
  readonly errors: readonly { stream: string; partition: string; code: string; message: string; status?: number; hint: string }[];
  /** Per stream definition with failed partitions, worst first (absent in manifests of older versions). */
  readonly failures?: readonly RunFailure[] | undefined;
  /** Expected absences recorded as data (a PR whose branch is gone, an empty repository). */
  readonly absences: readonly { stream: string; partition: string; what: string; status?: number }[];
  readonly remaining: readonly { stream: string; partition: string }[];
  /** Relative paths of the segment files this run wrote, per stream. */
  readonly files: Readonly<Record<string, readonly string[]>>;
  readonly cursorsBefore: unknown;
  readonly cursorsAfter: unknown;
}

/**
 * A reserved output: when a partition provider writes a deletion marker for one of its own records (a deleted
 * repository), the engine also writes a tombstone here, keyed by the partition key. Merge drops every record of
 * every stream whose envelope `partition` is tombstoned by the same or a later input, so a deleted repository's
 * pull requests, commits and pipelines leave the merged dataset with it. It is data (not only the manifest), so it
 * is durable with the deletion marker even when the run is killed before its manifest is written.
 */
export const DELETED_PARTITIONS_STREAM = '_deleted_partitions';
