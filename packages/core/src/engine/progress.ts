import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { ProgressEvent } from './types.js';

/** Client counters since the run started. */
export interface RunCounters {
  readonly requests: number;
  readonly rateLimitWaitMs: number;
}

/**
 * Emits progress events and their log lines. The ETA is the mean time per finished partition so far times the
 * partitions left (known once discovery is done); it ignores concurrency changes and rate-limit waits to come.
 */
export class ProgressReporter {
  readonly #clock: Clock;
  readonly #startedAt: number;
  readonly #logger: Logger;
  readonly #onProgress: ((event: ProgressEvent) => void) | undefined;
  readonly #counters: () => RunCounters;
  /** Partitions known so far; undefined until discovery is done. */
  total: number | undefined;
  done = 0;

  constructor(options: {
    clock: Clock;
    startedAt: number;
    logger: Logger;
    onProgress: ((event: ProgressEvent) => void) | undefined;
    counters: () => RunCounters;
  }) {
    this.#clock = options.clock;
    this.#startedAt = options.startedAt;
    this.#logger = options.logger;
    this.#onProgress = options.onProgress;
    this.#counters = options.counters;
  }

  etaMs(): number | undefined {
    if (this.total === undefined || this.done === 0) return undefined;
    const elapsed = this.#clock.now() - this.#startedAt;
    return Math.round((elapsed / this.done) * Math.max(0, this.total - this.done));
  }

  emit(type: ProgressEvent['type'], fields: { stream?: string; partition?: string; records?: number } = {}): void {
    const counters = this.#counters();
    const event: ProgressEvent = {
      type,
      ...fields,
      requests: counters.requests,
      rateLimitWaitMs: counters.rateLimitWaitMs,
      partitionsDone: this.done,
      partitionsTotal: this.total,
      etaMs: this.etaMs(),
    };
    // A failure is logged (with its code and hint) by the partition runner; here it is only progress.
    const level = type === 'partition_done' || type === 'stream_done' ? 'info' : 'debug';
    this.#logger[level](type.replace('_', ' '), { ...event });
    if (this.#onProgress === undefined) return;
    try {
      this.#onProgress(event);
    } catch (error) {
      this.#logger.warn('the progress callback threw; ignoring it', { error: (error as Error).message });
    }
  }
}
