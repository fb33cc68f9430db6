/**
 * Emits progress events and their log lines. The ETA is the mean time per finished partition so far times the
 * partitions left (known once discovery is done); it ignores concurrency changes and rate-limit waits to come.
 */
export class ProgressReporter {
    #clock;
    #startedAt;
    #logger;
    #onProgress;
    #counters;
    /** Partitions known so far; undefined until discovery is done. */
    total;
    done = 0;
    constructor(options) {
        this.#clock = options.clock;
        this.#startedAt = options.startedAt;
        this.#logger = options.logger;
        this.#onProgress = options.onProgress;
        this.#counters = options.counters;
    }
    etaMs() {
        if (this.total === undefined || this.done === 0)
            return undefined;
        const elapsed = this.#clock.now() - this.#startedAt;
        return Math.round((elapsed / this.done) * Math.max(0, this.total - this.done));
    }
    emit(type, fields = {}) {
        const counters = this.#counters();
        const event = {
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
        if (this.#onProgress === undefined)
            return;
        try {
            this.#onProgress(event);
        }
        catch (error) {
            this.#logger.warn('the progress callback threw; ignoring it', { error: error.message });
        }
    }
}
//# sourceMappingURL=progress.js.map