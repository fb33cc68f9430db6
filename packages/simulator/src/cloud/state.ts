/** Everything one Cloud simulator instance holds at run time. */
import type { RequestLogEntry, SimFaults, SimSwitches } from '../api.js';
import type { SimClock } from '../clock.js';
import { FaultDice } from '../faults.js';
import { CloudCredentials } from './http/auth.js';
import { RollingWindowLimiter } from './http/ratelimit.js';
import { PageTokens } from './http/tokens.js';
import type { CloudData, RepositoryState } from './model/store.js';
import type { WebhookRegistry } from './webhooks.js';

export interface CloudRateOptions {
  readonly perHour: number;
  readonly windowScale: number;
  readonly retryAfter: boolean;
}

export class CloudState {
  readonly data: CloudData;
  readonly clock: SimClock;
  readonly credentials: CloudCredentials;
  readonly limiter: RollingWindowLimiter;
  readonly tokens: PageTokens;
  readonly webhooks: WebhookRegistry;
  switches: SimSwitches;
  faults: SimFaults | undefined;
  rate: CloudRateOptions;
  readonly log: RequestLogEntry[] = [];
  #dice: FaultDice | undefined;
  readonly #wallStart = performance.now();

  constructor(init: { data: CloudData; clock: SimClock; switches: SimSwitches; faults: SimFaults | undefined; rate: CloudRateOptions; webhooks: WebhookRegistry }) {
    this.data = init.data;
    this.clock = init.clock;
    this.switches = init.switches;
    this.faults = init.faults;
    this.rate = init.rate;
    this.webhooks = init.webhooks;
    this.credentials = new CloudCredentials(init.data);
    this.tokens = new PageTokens(init.data.seed);
    this.limiter = new RollingWindowLimiter(init.rate.perHour, init.rate.windowScale, () => this.rateNow());
  }

  /** Time for rate-limit windows: simulated time plus real time elapsed (so waiting clients recover too). */
  rateNow(): number {
    return this.clock.now() + (performance.now() - this.#wallStart);
  }

  /** Seeded dice for the Cloud-specific faults (foreign next links, data moving between pages). */
  dice(): FaultDice {
    const seed = this.faults?.seed ?? 1;
    if (!this.#dice) this.#dice = new FaultDice(seed ^ 0x5bd1e995);
    return this.#dice;
  }

  /** Now in microseconds with derived sub-millisecond digits (the API prints 6 fraction digits). */
  nowMicros(): number {
    const ms = this.clock.now();
    return ms * 1000 + ((ms * 7919) % 997);
  }

  /** A live repository by slug (case-insensitive) or `{uuid}`. */
  findRepository(key: string): RepositoryState | undefined {
    const wanted = key.toLowerCase();
    return this.data.repositories.find((r) => !r.deleted && (r.slug.toLowerCase() === wanted || r.uuid.toLowerCase() === wanted));
  }

  /** Whether `key` names this workspace (slug or `{uuid}`). */
  isWorkspace(key: string): boolean {
    const wanted = key.toLowerCase();
    return wanted === this.data.workspace.slug.toLowerCase() || wanted === this.data.workspace.uuid.toLowerCase();
  }

  /** Marks a repository changed (caches keyed on its version drop). */
  touch(repo: RepositoryState): void {
    repo.version++;
  }
}
