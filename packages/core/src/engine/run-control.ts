import type { Clock } from '../clock.js';
import { BbsyncError } from '../errors.js';
import type { ApiClient } from '../http/types.js';
import type { SyncBudgets } from './types.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

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
export class RunControl {
  readonly #controller = new AbortController();
  readonly #clock: Clock;
  readonly #client: ApiClient;
  readonly #budgets: SyncBudgets;
  readonly #baselineRequests: number;
  readonly #external: AbortSignal | undefined;
  readonly #onExternalAbort = () => this.stop('cancelled', 'the run was cancelled');
  #timer: ReturnType<typeof setTimeout> | undefined;
  #halt: Halt | undefined;
  /** A budget was reached: nothing new starts; in-flight partitions finish or checkpoint within the grace. */
  #draining: Halt | undefined;
  readonly #graceRequests: number;
  readonly #graceMs: number;

  constructor(options: { clock: Clock; client: ApiClient; budgets: SyncBudgets | undefined; signal: AbortSignal | undefined }) {
    this.#clock = options.clock;
    this.#client = options.client;
    this.#budgets = options.budgets ?? {};
    this.#baselineRequests = options.client.stats().requests;
    this.#external = options.signal;
    const { maxRequests, deadline } = this.#budgets;
    this.#graceRequests = this.#budgets.graceRequests ?? Math.max(20, Math.ceil((maxRequests ?? 0) * 0.05));
    this.#graceMs = this.#budgets.graceMs ?? Math.min(60_000, Math.max(0, ((deadline ?? 0) - this.#clock.now()) * 0.1));
    if (this.#external?.aborted) this.#onExternalAbort();
    else this.#external?.addEventListener('abort', this.#onExternalAbort, { once: true });
    this.#armDeadline();
  }

  /**
   * A real timer, so a partition stuck in a long wait still ends at the deadline; checks at every write and
   * partition boundary cover injected clocks. Timers hold at most 2^31-1 ms (about 24.8 days): re-armed until then.
   */
  #armDeadline(): void {
    const budget = this.#budgets.deadline;
    if (budget === undefined || this.#halt !== undefined) return;
    const deadline = this.#draining === undefined ? budget : budget + this.#graceMs;
    this.#timer = setTimeout(
      () => {
        this.checkBudgets();
        this.#armDeadline();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, deadline - this.#clock.now())),
    );
    this.#timer.unref?.();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get halt(): Halt | undefined {
    return this.#halt;
  }

  /** Set once a budget is reached (the run is stopping gracefully), before in-flight partitions are aborted. */
  get draining(): Halt | undefined {
    return this.#halt ?? this.#draining;
  }

  /** Requests sent since the run started. */
  requests(): number {
    return this.#client.stats().requests - this.#baselineRequests;
  }

  /** Ends the run gracefully: no new partitions start, in-flight ones are aborted (their cursors untouched). */
  stop(code: 'cancelled' | 'budget_exhausted', reason: string): void {
    if (this.#halt !== undefined) return;
    this.#halt = { kind: 'stop', reason };
    this.#controller.abort(new BbsyncError(code, reason));
  }

  /** Fails the run (a fatal or config error); overrides an earlier graceful stop in the run's status. */
  fail(reason: string): void {
    const first = this.#halt === undefined;
    if (this.#halt?.kind !== 'fatal') this.#halt = { kind: 'fatal', reason };
    if (first) this.#controller.abort(new BbsyncError('cancelled', `the run was aborted: ${reason}`));
  }

  /**
   * Starts a graceful stop when the deadline or the request budget is reached (nothing new starts; partitions in
   * flight may finish or reach a checkpoint), and aborts what is still in flight once the grace is spent too.
   */
  checkBudgets(): void {
    if (this.#halt !== undefined) return;
    const { deadline, maxRequests } = this.#budgets;
    const now = this.#clock.now();
    // Only counted when a request budget exists: this runs before every record written.
    const requests = maxRequests === undefined ? 0 : this.requests();
    if (this.#draining === undefined) {
      if (deadline !== undefined && now >= deadline) {
        this.#draining = { kind: 'stop', reason: `the deadline (${new Date(deadline).toISOString()}) was reached` };
      } else if (maxRequests !== undefined && requests >= maxRequests) {
        this.#draining = { kind: 'stop', reason: `the request budget (maxRequests ${maxRequests}) was spent` };
      }
      if (this.#draining !== undefined && this.#timer !== undefined) {
        clearTimeout(this.#timer);
        this.#armDeadline();
      }
    }
    if (this.#draining === undefined) return;
    const pastGrace =
      (deadline !== undefined && now >= deadline + this.#graceMs) || (maxRequests !== undefined && requests >= maxRequests + this.#graceRequests);
    if (pastGrace) this.stop('budget_exhausted', this.#draining.reason);
  }

  /** Marks the run stopped for its report once every in-flight partition ended during a graceful stop. */
  settle(): void {
    if (this.#halt === undefined && this.#draining !== undefined) this.#halt = this.#draining;
  }

  /** Throws the halt's error when the run is halted: partitions call it before every write. */
  throwIfHalted(): void {
    this.checkBudgets();
    if (this.#controller.signal.aborted) throw this.#controller.signal.reason;
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#external?.removeEventListener('abort', this.#onExternalAbort);
  }
}
