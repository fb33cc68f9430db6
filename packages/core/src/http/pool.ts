/**
 * The token pool: picks which credential sends the next request, so that load spreads over every
 * credential allowed to serve it and no budget is ever exceeded. It owns rotation and per-identity
 * quota; the client asks it once per attempt.
 */
import { BbsyncError } from '../errors.js';
import { systemClock, type Clock } from '../clock.js';
import type { Budget, BudgetFactory, Credential, RequestContext } from './types.js';

/** Default longest wait for a budget or cooldown before giving up with `budget_exhausted`. */
export const DEFAULT_MAX_WAIT_MS = 15 * 60_000;

/** Options of {@link TokenPool}. */
export interface TokenPoolOptions {
  readonly credentials: readonly Credential[];
  readonly budgets: BudgetFactory;
  /** @default systemClock */
  readonly clock?: Clock | undefined;
  /**
   * Longest a single acquisition may wait for a budget to recover. When the earliest recovery is
   * further away, `acquire` fails at once with `budget_exhausted` (disposition `stop`).
   * @default 900_000 (15 minutes)
   */
  readonly maxWaitMs?: number | undefined;
}

/** A credential chosen for one request. Call `release` when the response (or failure) is in. */
export interface Lease {
  readonly credential: Credential;
  /** Milliseconds this acquisition waited for a budget or cooldown. */
  readonly waitedMs: number;
  release(): void;
}

/** Per-credential counters. */
export interface CredentialUsage {
  index: number;
  label: string;
  requests: number;
  rateLimited: number;
  inFlight: number;
}

/** Counters of a {@link TokenPool}. */
export interface TokenPoolStats {
  /** Total milliseconds spent waiting for budgets and cooldowns. */
  waitMs: number;
  byCredential: CredentialUsage[];
}

interface Slot {
  readonly credential: Credential;
  readonly budget: Budget;
  readonly usage: CredentialUsage;
}

/** Chooses a credential per request, honouring eligibility, budgets and cooldowns. */
export class TokenPool {
  readonly #slots: Slot[];
  readonly #byCredential = new Map<Credential, Slot>();
  readonly #clock: Clock;
  readonly #maxWaitMs: number;
  #waitMs = 0;

  constructor(options: TokenPoolOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.#slots = options.credentials.map((credential) => {
      const slot: Slot = {
        credential,
        budget: options.budgets(credential),
        usage: { index: credential.index, label: credential.label, requests: 0, rateLimited: 0, inFlight: 0 },
      };
      this.#byCredential.set(credential, slot);
      return slot;
    });
  }

  /** The budget a credential spends (shared with every credential of its identity). */
  budgetOf(credential: Credential): Budget {
    return this.#slot(credential).budget;
  }

  /**
   * Picks, among the credentials that can serve `context`, the one with the most budget available now
   * (ties: fewest requests in flight, then fewest sent), records the request against its budget and
   * returns it. When none can go now, waits for the earliest recovery if that is within `maxWaitMs`.
   *
   * @throws BbsyncError `config_error` when no credential serves the stream, `invalid_permissions`
   *   when none may see the repository, `budget_exhausted` when the wait would exceed `maxWaitMs`,
   *   `cancelled` when `signal` aborts.
   */
  async acquire(context: RequestContext | undefined, signal?: AbortSignal): Promise<Lease> {
    const eligible = this.#slots.filter((slot) => slot.credential.canServe(context));
    if (eligible.length === 0) throw this.#noCredential(context);
    const started = this.#clock.now();
    let waited = 0;
    for (;;) {
      if (signal?.aborted) throw cancelled(signal);
      const now = this.#clock.now();
      let best: Slot | undefined;
      let bestAvailable = 0;
      let earliest = Number.POSITIVE_INFINITY;
      for (const slot of eligible) {
        const wait = slot.budget.waitTime(now);
        if (wait > 0) {
          earliest = Math.min(earliest, wait);
          continue;
        }
        const available = slot.budget.available(now);
        if (available <= 0) {
          // waitTime 0 with nothing available would be a budget bug; treat it as a 1 ms wait, never overspend.
          earliest = Math.min(earliest, 1);
          continue;
        }
        if (best === undefined || isBetter(slot, available, best, bestAvailable)) {
          best = slot;
          bestAvailable = available;
        }
      }
      if (best !== undefined) {
        best.budget.take(now);
        best.usage.requests++;
        best.usage.inFlight++;
        const chosen = best;
        let released = false;
        return {
          credential: chosen.credential,
          waitedMs: waited,
          release: () => {
            if (!released) {
              released = true;
              chosen.usage.inFlight--;
            }
          },
        };
      }
      const elapsed = now - started;
      if (elapsed + earliest > this.#maxWaitMs) throw this.#exhausted(context, earliest, eligible.length);
      try {
        await this.#clock.sleep(earliest, signal);
      } catch (error) {
        throw cancelled(signal, error);
      }
      const slept = this.#clock.now() - now;
      waited += slept;
      this.#waitMs += slept;
    }
  }

  /** A 429 was received with this credential: it (and its identity) sends nothing before `untilMs`. */
  penalize(credential: Credential, untilMs: number): void {
    const slot = this.#slot(credential);
    slot.usage.rateLimited++;
    slot.budget.coolDown(untilMs);
  }

  /** Passes a response's headers to the credential's budget (learns `X-RateLimit-Limit`, `NearLimit`). */
  observe(credential: Credential, headers: Readonly<Record<string, string | undefined>>): void {
    this.#slot(credential).budget.observe(headers, this.#clock.now());
  }

  stats(): TokenPoolStats {
    return { waitMs: this.#waitMs, byCredential: this.#slots.map((slot) => ({ ...slot.usage })) };
  }

  #slot(credential: Credential): Slot {
    const slot = this.#byCredential.get(credential);
    if (slot === undefined) throw new Error(`credential #${credential.index} is not in this pool`);
    return slot;
  }

  #noCredential(context: RequestContext | undefined): BbsyncError {
    const stream = context?.stream;
    const repository = context?.repository;
    const streamServed = stream === undefined || this.#slots.some((slot) => slot.credential.canServe({ stream }));
    if (this.#slots.length === 0 || !streamServed) {
      return new BbsyncError('config_error', `No credential is configured to serve stream "${stream ?? '(none)'}"`, {
        field: 'credentials',
        hint: `Add "${stream ?? ''}" to the streams of a credential, or remove the streams filter.`,
      });
    }
    return new BbsyncError(
      'invalid_permissions',
      `No credential may access repository "${repository ?? '(none)'}"${stream === undefined ? '' : ` for stream "${stream}"`}`,
      { hint: 'Give a credential access to this repository (or widen its repositories filter); it is skipped meanwhile.' },
    );
  }

  #exhausted(context: RequestContext | undefined, waitMs: number, eligible: number): BbsyncError {
    const what = [context?.stream && `stream "${context.stream}"`, context?.repository && `repository "${context.repository}"`]
      .filter(Boolean)
      .join(', ');
    return new BbsyncError(
      'budget_exhausted',
      `All ${eligible} eligible credential(s)${what ? ` for ${what}` : ''} are rate-limited for another ${Math.ceil(waitMs / 1000)} s, more than the ${Math.round(this.#maxWaitMs / 1000)} s allowed`,
      { disposition: 'stop' },
    );
  }
}

function isBetter(slot: Slot, available: number, best: Slot, bestAvailable: number): boolean {
  if (available !== bestAvailable) return available > bestAvailable;
  if (slot.usage.inFlight !== best.usage.inFlight) return slot.usage.inFlight < best.usage.inFlight;
  return slot.usage.requests < best.usage.requests;
}

function cancelled(signal: AbortSignal | undefined, cause?: unknown): BbsyncError {
  return new BbsyncError('cancelled', 'The request was cancelled while waiting for a rate-limit budget', {
    cause: cause ?? signal?.reason,
  });
}
