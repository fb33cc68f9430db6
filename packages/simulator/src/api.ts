/**
 * The simulator's programmatic API: the contract that connector tests, benchmarks and the demo use.
 * Implementations: ./cloud (Bitbucket Cloud REST 2.0) and ./datacenter (Data Center REST 1.0), composed by
 * `startSimulator` in ./start.ts on one real HTTP server.
 */

/** Dataset sizes. `tiny` for unit tests, `small` for integration tests, `medium`/`large` for benchmarks. */
export type SimSizeName = 'tiny' | 'small' | 'medium' | 'large';

export interface SimSize {
  /** Cloud: repositories in the workspace. Data Center: repositories across all projects. */
  readonly repositories: number;
  /** Data Center projects (Cloud projects too). */
  readonly projects: number;
  readonly members: number;
  /** Mean pull requests per repository. */
  readonly pullRequestsPerRepo: number;
  /** Mean default-branch commits per repository. */
  readonly commitsPerRepo: number;
  /** Mean pipelines per repository (Cloud). */
  readonly pipelinesPerRepo: number;
}

/**
 * The behaviours nobody has pinned down, as switches, so connectors can be proven correct under each.
 * Defaults are the "worst plausible" where it is cheap to be so.
 */
export interface SimSwitches {
  /** Cloud: does a comment / approval / change request bump the pull request's `updated_on`? @default true */
  readonly commentsBumpPullRequestUpdatedOn: boolean;
  /** Cloud: what bumps a repository's `updated_on`. @default 'pushes' */
  readonly repositoryUpdatedOnBumpedBy: 'pushes' | 'pushes_and_pull_requests' | 'nothing';
  /** Data Center: does `order=NEWEST` sort pull requests by created or updated date? @default 'updated' */
  readonly dataCenterNewestOrderBy: 'created' | 'updated';
  /** Cloud: is `/pullrequests/activity` (repository-wide) newest first? @default true */
  readonly cloudActivityFeedNewestFirst: boolean;
  /** Cloud: does a list page repeat the last row of the previous page (BCLOUD-23644)? @default false */
  readonly repeatRowAcrossPages: boolean;
  /** Cloud page-size maxima that are not documented (values above them answer 400). */
  readonly cloudMaxPagelen: { readonly members: number; readonly comments: number; readonly commits: number };
  /** Data Center `limit` hard caps (page.max.*), silently clamped. */
  readonly dataCenterMaxLimit: { readonly default: number; readonly activities: number; readonly commits: number };
  /**
   * Cloud: the key of change-request items in pull request activity. Webhook payloads use `changes_request`;
   * no recorded activity page with one was found and some clients read `changes_requested`, so both are
   * served on demand. @default 'changes_request'
   */
  readonly cloudChangesRequestKey?: 'changes_request' | 'changes_requested';
}

/** Seeded, reproducible faults. Rates are probabilities per request (0..1). */
export interface SimFaults {
  readonly seed?: number;
  /** Extra latency per request: fixed ms, or a uniform range. */
  readonly latencyMs?: number | { readonly min: number; readonly max: number };
  readonly serverErrorRate?: number;
  readonly resetRate?: number;
  /** Stall this fraction of requests for `stallMs` (past a client's timeout). */
  readonly stallRate?: number;
  readonly stallMs?: number;
  readonly truncateRate?: number;
  readonly malformedJsonRate?: number;
  /** HTML error pages as a reverse proxy would send (502/503 with text/html). */
  readonly htmlErrorRate?: number;
  /** 429 storms: this fraction of requests answer 429 regardless of budgets. */
  readonly rateLimitRate?: number;
  /** Whether 429s carry `Retry-After`. */
  readonly retryAfter?: boolean;
  /** Make the `next` link of this fraction of pages point to this foreign origin. */
  readonly foreignNextRate?: number;
  readonly foreignOrigin?: string;
  /** Items updated / added / deleted between the pages of one listing (data that moves while it is read). */
  readonly mutateBetweenPagesRate?: number;
}

export interface SimRateLimits {
  /** Cloud: requests per rolling hour per identity (an access token, or a user for API tokens). @default 1000 */
  readonly cloudPerHour?: number;
  /** Scale the hour down so tests run in seconds (e.g. 0.001 = the window lasts 3.6 s of simulated time). */
  readonly cloudWindowScale?: number;
  /** Whether Cloud 429s carry Retry-After (the 2019/2021 captures had none). @default false */
  readonly cloudRetryAfter?: boolean;
  /** Data Center token bucket; undefined = rate limiting off (the default of a DC install). */
  readonly dataCenterBucket?: { readonly capacity: number; readonly fillPerSecond: number };
}

export interface SimOptions {
  readonly seed?: number;
  readonly size?: SimSizeName | Partial<SimSize>;
  readonly switches?: Partial<SimSwitches>;
  readonly faults?: SimFaults;
  readonly rateLimits?: SimRateLimits;
  /** Data Center context path. @default '/bitbucket' */
  readonly dataCenterContextPath?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
}

/** A sample credential the simulator accepts, with what it may do. */
export interface SimCredential {
  readonly description: string;
  /** As bbsync's CredentialConfig: `{accessToken}` | `{email, apiToken}` | `{username, password}`. */
  readonly config: { accessToken?: string; email?: string; apiToken?: string; username?: string; password?: string };
  readonly scopes: readonly string[];
}

export interface RequestLogEntry {
  readonly api: 'cloud' | 'datacenter' | 'control';
  readonly method: string;
  /** Path below the API base, with the query string. */
  readonly path: string;
  readonly status: number;
  /** Which sample credential (by `description`), or 'anonymous' / 'invalid'. */
  readonly credential: string;
  /** Endpoint template, e.g. `/repositories/{ws}/{repo}/pullrequests`. */
  readonly endpoint: string;
}

export interface SimApiHandle<Control, Truth> {
  /** Base URL of the API, e.g. http://127.0.0.1:PORT/2.0 or http://127.0.0.1:PORT/bitbucket/rest/api/1.0 */
  readonly baseUrl: string;
  /** Named sample credentials (e.g. `workspaceToken`, `apiToken`, `readOnly`, `noPipelines`, `revoked`). */
  readonly credentials: Readonly<Record<string, SimCredential>>;
  readonly control: Control;
  /** Every record a full sync must produce, in API shape, by kind (repositories, pullrequests, ...). */
  groundTruth(): Truth;
  /** Requests received since start (or since `resetCounters`). */
  requestLog(): readonly RequestLogEntry[];
  /** Counts per endpoint template, per credential, per status. */
  counters(): { total: number; byEndpoint: Record<string, number>; byCredential: Record<string, number>; byStatus: Record<string, number> };
  resetCounters(): void;
}

export interface RunningSimulator<CloudControl = unknown, CloudTruth = unknown, DcControl = unknown, DcTruth = unknown> {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly cloud: SimApiHandle<CloudControl, CloudTruth> & { readonly workspace: string };
  readonly datacenter: SimApiHandle<DcControl, DcTruth>;
  /** Simulated time shared by both APIs. */
  now(): number;
  /** Advances simulated time (both APIs). */
  advance(ms: number): void;
  close(): Promise<void>;
}
