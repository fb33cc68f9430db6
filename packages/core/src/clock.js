export const systemClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(abortError(signal));
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, Math.max(0, ms));
        const onAbort = () => {
            clearTimeout(timer);
            reject(abortError(signal));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
function abortError(signal) {
    const reason = signal?.reason;
    if (reason instanceof Error)
        return reason;
    const error = new Error('The operation was aborted');
    error.name = 'AbortError';
    return error;
}
/**
 * A clock that only moves when slept on or advanced: `sleep(ms)` advances time by `ms` at once.
 * Good for unit tests of retry and budget logic, where waiting is what is being tested.
 */
export class ManualClock {
    #now;
    /** Total milliseconds that callers asked to sleep. */
    slept = 0;
    constructor(start = Date.UTC(2026, 0, 1)) {
        this.#now = start;
    }
    now() {
        return this.#now;
    }
    advance(ms) {
        this.#now += ms;
    }
    sleep(ms, signal) {
        if (signal?.aborted)
            return Promise.reject(abortError(signal));
        const wait = Math.max(0, ms);
        this.#now += wait;
        this.slept += wait;
        return Promise.resolve();
    }
}
//# sourceMappingURL=clock.js.map