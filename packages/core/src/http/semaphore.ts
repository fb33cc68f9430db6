/**
 * A FIFO counting semaphore: the one concurrency limiter of bbsync, held by the API client around
 * each attempt (never at call sites).
 */
import { BbsyncError } from '../errors.js';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  signal?: AbortSignal | undefined;
  onAbort?: (() => void) | undefined;
}

/** A counting semaphore whose waiters are served first come, first served and leave when their signal aborts. */
export class Semaphore {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: Waiter[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${limit}`);
    this.#limit = limit;
  }

  /** Requests running now. */
  get active(): number {
    return this.#active;
  }

  /** Waits for a free slot; returns its release function (idempotent). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw cancelled(signal);
    if (this.#active < this.#limit) {
      this.#active++;
    } else {
      await new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject, signal };
        if (signal) {
          waiter.onAbort = () => {
            const index = this.#waiting.indexOf(waiter);
            if (index !== -1) this.#waiting.splice(index, 1);
            reject(cancelled(signal));
          };
          signal.addEventListener('abort', waiter.onAbort, { once: true });
        }
        this.#waiting.push(waiter);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#release();
    };
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) {
      this.#active--;
      return;
    }
    // Hand the slot over directly: `active` stays the same.
    if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
    next.resolve();
  }
}

function cancelled(signal: AbortSignal): BbsyncError {
  return new BbsyncError('cancelled', 'The request was cancelled', { cause: signal.reason });
}
