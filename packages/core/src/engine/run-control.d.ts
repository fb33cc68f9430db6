import type { Clock } from '../clock.js';
import type { ApiClient } from '../http/types.js';
import type { SyncBudgets } from './types.js';
/** Why a run ended early. `stop` is graceful (budget, deadline, cancellation); `fatal` fails the run. */
export interface Halt {
    readonly kind: 'stop' | 'fatal';
    readonly reason: string;
}
/**
 * The run's single abort switch. Everything that must end a run early goes through here: the caller's signal
 * (SIGTERM), the deadline, the request budget, a `stop` error from the client, or a fatal error. Halting aborts
 * the signal every partition's requests carry, so in-flight partitions end at their next request or write.
 */
export declare class RunControl {
    #private;
    constructor(options: {
        clock: Clock;
        client: ApiClient;
        budgets: SyncBudgets | undefined;
        signal: AbortSignal | undefined;
    });
    get signal(): AbortSignal;
    get halt(): Halt | undefined;
    /** Requests sent since the run started. */
    requests(): number;
    /** Ends the run gracefully: no new partitions start, in-flight ones are aborted (their cursors untouched). */
    stop(code: 'cancelled' | 'budget_exhausted', reason: string): void;
    /** Fails the run (a fatal or config error); overrides an earlier graceful stop in the run's status. */
    fail(reason: string): void;
    /** Stops the run when the deadline or the request budget is reached. */
    checkBudgets(): void;
    /** Throws the halt's error when the run is halted: partitions call it before every write. */
    throwIfHalted(): void;
    dispose(): void;
}
//# sourceMappingURL=run-control.d.ts.map