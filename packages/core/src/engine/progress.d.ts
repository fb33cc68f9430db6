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
export declare class ProgressReporter {
    #private;
    /** Partitions known so far; undefined until discovery is done. */
    total: number | undefined;
    done: number;
    constructor(options: {
        clock: Clock;
        startedAt: number;
        logger: Logger;
        onProgress: ((event: ProgressEvent) => void) | undefined;
        counters: () => RunCounters;
    });
    etaMs(): number | undefined;
    emit(type: ProgressEvent['type'], fields?: {
        stream?: string;
        partition?: string;
        records?: number;
    }): void;
}
//# sourceMappingURL=progress.d.ts.map