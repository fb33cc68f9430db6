import { BbsyncError } from '../errors.js';
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * The run's single abort switch. Everything that must end a run early goes through here: the caller's signal
 * (SIGTERM), the deadline, the request budget, a `stop` error from the client, or a fatal error. Halting aborts
 * the signal every partition's requests carry, so in-flight partitions end at their next request or write.
 */
export class RunControl {
    #controller = new AbortController();
    #clock;
    #client;
    #budgets;
    #baselineRequests;
    #external;
    #onExternalAbort = () => this.stop('cancelled', 'the run was cancelled');
    #timer;
    #halt;
    constructor(options) {
        this.#clock = options.clock;
        this.#client = options.client;
        this.#budgets = options.budgets ?? {};
        this.#baselineRequests = options.client.stats().requests;
        this.#external = options.signal;
        if (this.#external?.aborted)
            this.#onExternalAbort();
        else
            this.#external?.addEventListener('abort', this.#onExternalAbort, { once: true });
        this.#armDeadline();
    }
    /**
     * A real timer, so a partition stuck in a long wait still ends at the deadline; checks at every write and
     * partition boundary cover injected clocks. Timers hold at most 2^31-1 ms (about 24.8 days): re-armed until then.
     */
    #armDeadline() {
        const deadline = this.#budgets.deadline;
        if (deadline === undefined || this.#halt !== undefined)
            return;
        this.#timer = setTimeout(() => {
            this.checkBudgets();
            this.#armDeadline();
        }, Math.min(MAX_TIMER_MS, Math.max(0, deadline - this.#clock.now())));
        this.#timer.unref?.();
    }
    get signal() {
        return this.#controller.signal;
    }
    get halt() {
        return this.#halt;
    }
    /** Requests sent since the run started. */
    requests() {
        return this.#client.stats().requests - this.#baselineRequests;
    }
    /** Ends the run gracefully: no new partitions start, in-flight ones are aborted (their cursors untouched). */
    stop(code, reason) {
        if (this.#halt !== undefined)
            return;
        this.#halt = { kind: 'stop', reason };
        this.#controller.abort(new BbsyncError(code, reason));
    }
    /** Fails the run (a fatal or config error); overrides an earlier graceful stop in the run's status. */
    fail(reason) {
        const first = this.#halt === undefined;
        if (this.#halt?.kind !== 'fatal')
            this.#halt = { kind: 'fatal', reason };
        if (first)
            this.#controller.abort(new BbsyncError('cancelled', `the run was aborted: ${reason}`));
    }
    /** Stops the run when the deadline or the request budget is reached. */
    checkBudgets() {
        if (this.#halt !== undefined)
            return;
        const { deadline, maxRequests } = this.#budgets;
        if (deadline !== undefined && this.#clock.now() >= deadline) {
            this.stop('budget_exhausted', `the deadline (${new Date(deadline).toISOString()}) was reached`);
        }
        else if (maxRequests !== undefined && this.requests() >= maxRequests) {
            this.stop('budget_exhausted', `the request budget (maxRequests ${maxRequests}) was spent`);
        }
    }
    /** Throws the halt's error when the run is halted: partitions call it before every write. */
    throwIfHalted() {
        this.checkBudgets();
        if (this.#controller.signal.aborted)
            throw this.#controller.signal.reason;
    }
    dispose() {
        if (this.#timer !== undefined)
            clearTimeout(this.#timer);
        this.#external?.removeEventListener('abort', this.#onExternalAbort);
    }
}
//# sourceMappingURL=run-control.js.map