import { systemClock, type Clock } from '../clock.js';
import { emptyState, partitionState, StateDocument } from './state-document.js';
import type { FailedPartition, PartitionState, StateStore, SyncState } from './types.js';

export interface MemoryStateStoreOptions {
  /** @default 'memory' */
  readonly scope?: string | undefined;
  /** Start from this state (copied). */
  readonly initial?: SyncState | undefined;
  /** Stamps `committedAt`. @default systemClock */
  readonly clock?: Clock | undefined;
}

/** State held in memory, for tests and dry runs. Commits are "durable" at once. Subclass it to observe commits. */
export class MemoryStateStore implements StateStore {
  readonly #clock: Clock;
  #document: StateDocument;
  /** How many commits and removals were made. */
  commits = 0;

  constructor(options: MemoryStateStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#document = new StateDocument(options.initial ?? emptyState(options.scope ?? 'memory'));
  }

  load(): Promise<SyncState> {
    return Promise.resolve(this.#document.snapshot());
  }

  get<C = unknown>(stream: string, partitionKey: string): PartitionState<C> | undefined {
    return this.#document.get(stream, partitionKey) as PartitionState<C> | undefined;
  }

  partitions(stream: string): Readonly<Record<string, PartitionState>> {
    return this.#document.partitions(stream);
  }

  commit(stream: string, partitionKey: string, cursor: unknown, partition?: unknown, outputs?: readonly string[]): Promise<void> {
    const committedAt = new Date(this.#clock.now()).toISOString();
    this.#document.set(stream, partitionKey, partitionState(cursor, committedAt, partition, outputs));
    this.commits += 1;
    return Promise.resolve();
  }

  remove(stream: string, partitionKey: string): Promise<void> {
    this.#document.remove(stream, partitionKey);
    this.commits += 1;
    return Promise.resolve();
  }

  failure(stream: string, partitionKey: string): FailedPartition | undefined {
    return this.#document.failure(stream, partitionKey);
  }

  setFailure(stream: string, partitionKey: string, code: string | undefined): Promise<void> {
    if (code === undefined && this.#document.failure(stream, partitionKey) === undefined) return Promise.resolve();
    const failedAt = new Date(this.#clock.now()).toISOString();
    this.#document.setFailure(stream, partitionKey, code === undefined ? undefined : { stream, partition: partitionKey, code, failedAt });
    this.commits += 1;
    return Promise.resolve();
  }

  snapshot(): SyncState {
    return this.#document.snapshot();
  }
}
