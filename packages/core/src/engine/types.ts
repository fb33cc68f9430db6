import type { Clock } from '../clock.js';
import type { ApiClient } from '../http/types.js';
import type { Logger } from '../logger.js';
import type { NotFoundMemo } from './not-found-memo.js';
import type { RunManifest } from '../output/types.js';
import type { PartitionState, StateStore } from '../state/types.js';

/** A record stream a definition writes, with how to key its records. */
export interface OutputSpec<R = any> {
  readonly name: string;
  /** The primary key of a record, as a string (e.g. a UUID, or `repoUuid:prId`). */
  readonly primaryKey: (record: R) => string;
  /**
   * Selected only when named in `streams`, never by default: for outputs that cost requests a run where
   * nothing changed did not spend before, or whose first selection re-reads the partition. @default false
   */
  readonly optIn?: boolean | undefined;
}

/**
 * A unit of work: one repository for repository-scoped streams, or the single workspace partition.
 * `key` is canonical and stable (a repository UUID or numeric id, so a rename does not replay history);
 * `name` is for people and file names (`workspace/slug`, `PROJECT/slug`).
 */
export interface PartitionDescriptor {
  readonly key: string;
  readonly name: string;
}

/** The single partition of workspace-scoped streams. */
export const WORKSPACE_PARTITION: PartitionDescriptor = { key: '', name: 'workspace' };

/** What a definition's `read` may do. Everything it writes goes through here, so the engine can make it durable. */
export interface PartitionContext<P extends PartitionDescriptor = PartitionDescriptor, C = unknown, Cfg = unknown> {
  readonly client: ApiClient;
  readonly config: Cfg;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Aborts on cancellation, a spent budget, or a fatal error elsewhere. Pass it to every request. */
  readonly signal: AbortSignal;
  /** The definition's name (its cursor namespace). */
  readonly stream: string;
  readonly partition: P;
  /** The cursor this partition committed last time, or undefined on a first sync (or when new outputs were selected). */
  readonly cursor: C | undefined;
  /** Read-only view of all committed state (e.g. what the repositories stream learned). */
  readonly state: Pick<StateStore, 'get' | 'partitions'>;
  /** Where a first sync starts, when the user bounded it. */
  readonly startDate: Date | undefined;
  /** True when the user selected this output stream (skip fetching what nobody asked for). */
  wants(output: string): boolean;
  /** Writes one record of `output` (keyed by its OutputSpec). Awaits backpressure. */
  record(output: string, data: unknown): Promise<void>;
  /** Writes a deletion marker for `key` of `output`, so merging drops it. */
  deleted(output: string, key: string, last?: unknown): Promise<void>;
  /** Records an expected absence (a 404 for a gone branch, a 204 empty repository): data, not a failure. */
  absence(what: string, status?: number): void;
  /**
   * Makes everything written so far durable and commits `cursor`. Only call it where the listing's order
   * guarantees that nothing before the cursor is still unwritten.
   */
  checkpoint(cursor: C): Promise<void>;
  /** Workspace-scoped discovery: hands a repository partition to the repository-scoped streams of this run. */
  provide(partition: PartitionDescriptor): void;
  /**
   * True when this shard reads the partition's repository streams. Workspace streams write only on shard 1 (other
   * shards run them for discovery, writing nothing), so shard 1 writes deletion markers for every repository.
   */
  owns(partitionKey: string): boolean;
  /** Counts a request-free event for progress reports (e.g. partitions skipped by an idle gate). */
  note(event: 'idle_skip' | 'full_resync', detail?: string): void;
  /**
   * What answered 404 earlier in this run, shared by every partition of the run: check it before fetching a
   * resource that data names (a pull request an activity item points at), and add to it on a 404, so the same
   * absence costs one request per run, not one per mention.
   */
  readonly notFound: NotFoundMemo;
}

/**
 * A stream definition: a small declarative object the engine runs. It may write several outputs in one pass
 * (pull requests and their activity, comments and commits), so that one cursor covers them all and a crash
 * between a parent and its children cannot lose the children.
 */
export interface StreamDefinition<P extends PartitionDescriptor = any, C = any, Cfg = any> {
  readonly name: string;
  /** The outputs, the definition's own records first. */
  readonly outputs: readonly OutputSpec[];
  /**
   * `workspace`: runs once (partition {@link WORKSPACE_PARTITION}), before the repository streams, on shard 1 only
   * (other shards run it only to discover repositories, writing nothing).
   * `repository`: runs once per repository provided by a workspace stream, filtered by shard.
   */
  readonly scope: 'workspace' | 'repository';
  /** Workspace streams that provide repositories must say so, so they run even when only repository streams are selected. */
  readonly providesPartitions?: boolean | undefined;
  /** OAuth scope / permission the stream needs, for verification and hints (e.g. `pullrequest`). */
  readonly requires?: string | undefined;
  /**
   * Reads one partition: writes records through `ctx`, returns the new cursor (undefined keeps the old one).
   * Throws a BbsyncError to fail the partition (its cursor does not advance; the run goes on unless fatal).
   */
  read(ctx: PartitionContext<P, C, Cfg>, partition: P): Promise<C | undefined>;
}

/** A connector: the streams of one API family. Connectors are built only from core's parts. */
export interface SourceDefinition<Cfg = any> {
  /** `cloud` or `datacenter`. */
  readonly kind: string;
  readonly streams: readonly StreamDefinition<any, any, Cfg>[];
}

/**
 * A run's budgets. Reaching one starts a graceful stop: no new partition starts, and partitions in flight may go
 * on to their end or their next checkpoint (so their work is kept), within a grace; past the grace they are
 * aborted (their unsaved records discarded, their cursors untouched).
 */
export interface SyncBudgets {
  /** Stop gracefully once this many requests were sent. */
  readonly maxRequests?: number | undefined;
  /** Stop gracefully at this epoch-ms time. */
  readonly deadline?: number | undefined;
  /** Extra requests in-flight partitions may spend after `maxRequests`. @default max(20, 5% of maxRequests) */
  readonly graceRequests?: number | undefined;
  /** Extra milliseconds in-flight partitions may run after `deadline`. @default 10% of the run's time, at most 60 s */
  readonly graceMs?: number | undefined;
}

export interface ShardSpec {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export interface ProgressEvent {
  readonly type: 'partition_start' | 'partition_done' | 'partition_failed' | 'stream_done' | 'tick';
  readonly stream?: string | undefined;
  readonly partition?: string | undefined;
  readonly records?: number | undefined;
  readonly requests: number;
  readonly rateLimitWaitMs: number;
  readonly partitionsDone: number;
  readonly partitionsTotal: number | undefined;
  /** Estimated milliseconds remaining, where known. */
  readonly etaMs?: number | undefined;
}

export interface SyncOptions<Cfg = unknown> {
  readonly source: SourceDefinition<Cfg>;
  readonly config: Cfg;
  readonly client: ApiClient;
  readonly state: StateStore;
  /** Run folder to write (created). */
  readonly outputDir: string;
  /** Selected output streams. @default every output of every definition */
  readonly streams?: readonly string[] | undefined;
  /** Partitions read at once. @default 4 */
  readonly concurrency?: number | undefined;
  readonly budgets?: SyncBudgets | undefined;
  readonly shard?: ShardSpec | undefined;
  readonly startDate?: Date | undefined;
  /** Fail the run when more than this fraction of partitions failed. @default 0.5 */
  readonly maxFailedFraction?: number | undefined;
  /** gzip the JSON Lines. @default true */
  readonly gzip?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly logger?: Logger | undefined;
  readonly clock?: Clock | undefined;
  readonly onProgress?: ((event: ProgressEvent) => void) | undefined;
  /** A run id for file names and the manifest. @default time-based */
  readonly runId?: string | undefined;
}

export type { RunManifest, PartitionState };
