/**
 * Time, injected. Production uses {@link systemClock}; tests use {@link ManualClock} so retries,
 * budgets and cooldowns run instantly and deterministically.
 */
export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
    /** Resolves after `ms`, or rejects with an AbortError when `signal` aborts. */
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
export declare const systemClock: Clock;
/**
 * A clock that only moves when slept on or advanced: `sleep(ms)` advances time by `ms` at once.
 * Good for unit tests of retry and budget logic, where waiting is what is being tested.
 */
export declare class ManualClock implements Clock {
    #private;
    /** Total milliseconds that callers asked to sleep. */
    slept: number;
    constructor(start?: number);
    now(): number;
    advance(ms: number): void;
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
//# sourceMappingURL=clock.d.ts.map