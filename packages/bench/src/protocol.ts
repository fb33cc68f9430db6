/**
 * The messages between the benchmark (parent) and its two kinds of child process: the simulator process
 * (sim-process.ts) and the sync process (sync-process.ts). Plain JSON, so they cross `process.send`.
 */
import type { CredentialConfig } from '@bbsync/core';
import type { SimOptions } from '@bbsync/simulator';

/** Which API a scenario syncs. */
export type ApiKind = 'cloud' | 'datacenter';

/** A listing kind's census: how many listings had how many items (and how many of them changed). */
export interface ListingCensus {
  /** Endpoint template, e.g. `GET /repositories/{ws}/{repo}/pullrequests`. */
  readonly listing: string;
  /** `"<items>:<changed>"` → number of listings of this kind with that many items, that many new or changed. */
  readonly histogram: Readonly<Record<string, number>>;
}

/** Every listing a sync of one API reads, counted from the simulator's ground truth. */
export interface Census {
  readonly api: ApiKind;
  readonly repositories: number;
  /** Records per kind (for the report). */
  readonly records: Readonly<Record<string, number>>;
  readonly listings: readonly ListingCensus[];
}

/** What the parent needs to reach one API of the simulator. */
export interface ApiEndpoint {
  /** API base (Cloud `…/2.0`, Data Center `…/rest/api/1.0`). */
  readonly baseUrl: string;
  /** Data Center server URL (base without `/rest/api/1.0`); Cloud workspace slug. */
  readonly serverUrl?: string | undefined;
  readonly workspace?: string | undefined;
  /** Credentials the simulator accepts with full read access, best first. */
  readonly credentials: readonly CredentialConfig[];
}

/** Requests to the simulator process. Every request carries an id; the answer echoes it. */
export type SimRequestMessage =
  | { readonly id: number; readonly type: 'start'; readonly options: SimOptions; readonly credentialCount: number }
  | { readonly id: number; readonly type: 'census'; readonly api: ApiKind; readonly snapshot: boolean }
  | { readonly id: number; readonly type: 'counters'; readonly api: ApiKind }
  | { readonly id: number; readonly type: 'reset-counters' }
  | { readonly id: number; readonly type: 'change'; readonly api: ApiKind; readonly fraction: number; readonly seed: number }
  | { readonly id: number; readonly type: 'set-latency'; readonly latencyMs: number }
  | { readonly id: number; readonly type: 'watch-first-request' }
  | { readonly id: number; readonly type: 'close' };

export interface SimCounters {
  readonly total: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** By `<METHOD> <endpoint template>`. */
  readonly byEndpoint: Readonly<Record<string, number>>;
}

export interface SimStarted {
  readonly origin: string;
  readonly cloud: ApiEndpoint;
  readonly datacenter: ApiEndpoint;
  /** Whether latency can be switched while the simulator runs (else the baseline uses a twin without it). */
  readonly latencySwitchable: boolean;
}

/** What a change of the data did. */
export interface ChangeSummary {
  /** Control API calls made. */
  readonly operations: number;
  /** Human-readable list: `12 pull requests commented`, … */
  readonly what: readonly string[];
}

export type SimReplyMessage =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** The job of one sync process. */
export interface SyncJob {
  readonly api: ApiKind;
  /** Raw connector settings (what a user would put in the config file). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly credentials: readonly CredentialConfig[];
  /** Partitions read at once, and requests in flight at once (both pinned to the same number). */
  readonly concurrency: number;
  readonly stateFile: string;
  readonly outputDir: string;
  /**
   * Speed-up of the sync's clock (1 = real time). Budget windows are an hour long; the simulator shrinks its
   * hour by `cloudWindowScale`, so the client's clock runs 1/scale times faster to agree with it.
   */
  readonly clockSpeedUp: number;
  /** Longest wait for a budget, in the sync's clock. */
  readonly maxWaitMs?: number | undefined;
  /** Stop the sync gracefully after this many real milliseconds (the engine's `budgets.deadline`). */
  readonly deadlineMs?: number | undefined;
}

/** What a sync process reports. */
export interface SyncOutcome {
  readonly status: string;
  readonly stopReason?: string | undefined;
  /** Requests sent (every attempt), by the client's count. */
  readonly requests: number;
  readonly retries: number;
  readonly rateLimited: number;
  /** Real milliseconds spent waiting for budgets and Retry-After. */
  readonly rateLimitWaitMs: number;
  readonly records: number;
  readonly errors: readonly string[];
  /** Real milliseconds from the call of runSync to its return. */
  readonly wallMs: number;
  /** fsyncs the sync made, and the milliseconds they took (summed, so overlapping ones count twice). */
  readonly fsyncs: number;
  readonly fsyncMs: number;
  /** Peak resident set size of the sync process, bytes. */
  readonly maxRssBytes: number;
  /** CPU time of the sync process during the sync (user + system, every thread), ms. */
  readonly cpuMs?: number | undefined;
  /** The memory sample with the largest RSS taken during the sync (every 250 ms). */
  readonly memoryAtPeak?: MemoryBreakdown | undefined;
  /** The largest old-generation use seen (what survived scavenges: the live heap, garbage not yet collected included). */
  readonly peakLiveHeapBytes?: number | undefined;
  /** V8 flags the sync process ran with (the shipped entry points' flags). */
  readonly v8Flags?: readonly string[] | undefined;
}

/** One memory sample of the sync process (`process.memoryUsage()` and V8's heap spaces). */
export interface MemoryBreakdown {
  readonly rssBytes: number;
  /** V8's heap, committed (young and old generations, code). */
  readonly heapTotalBytes: number;
  readonly heapUsedBytes: number;
  /** The young generation, committed (V8 sizes it by allocation rate, not by what is live). */
  readonly youngBytes: number;
  /** Memory outside V8's heap that V8 knows of: Buffers, zlib streams. */
  readonly externalBytes: number;
  /** Old generation in use (objects that survived the young generation). */
  readonly oldUsedBytes?: number | undefined;
}

export type SyncReplyMessage = { readonly ok: true; readonly outcome: SyncOutcome } | { readonly ok: false; readonly error: string };
