/**
 * Contracts of the HTTP layer. Implementations live beside this file:
 * transport.ts (undici), credentials.ts, budget.ts, pool.ts, retry.ts, client.ts, redact.ts.
 */
import type { BbsyncError } from '../errors.js';

/** Query values; arrays repeat the key (`state=OPEN&state=MERGED`), `undefined` is left out. */
export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;
export type Query = Readonly<Record<string, QueryValue>>;

/** Which stream and repository a request serves: decides which credentials are eligible. */
export interface RequestContext {
  readonly stream?: string | undefined;
  /** Canonical repository name the credential must see (Cloud `workspace/slug`, Data Center `PROJECT/slug`). */
  readonly repository?: string | undefined;
}

export interface ApiRequest {
  /** @default 'GET' */
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | undefined;
  /**
   * A path relative to the API base (`/repositories/ws`, joined to the base path), or an absolute URL
   * (a `next` link), which must have the API's origin: anything else is refused with `pagination_error`
   * before a byte is sent. Absolute URLs are sent verbatim; `query` must then be empty.
   */
  readonly url: string;
  readonly query?: Query | undefined;
  /** `form` sends application/x-www-form-urlencoded (arrays repeat the key); `json` sends JSON. */
  readonly body?: { readonly form: Query } | { readonly json: unknown } | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Statuses that are answers, not failures (e.g. `[404]` for the commits of a pull request whose branch
   * is gone, `[204]` for an empty repository). They are returned instead of thrown and never retried.
   */
  readonly expect?: readonly number[] | undefined;
  readonly context?: RequestContext | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Parsed JSON; `undefined` for an empty body (204) ; text for non-JSON bodies of expected statuses. */
  readonly body: T;
  /** Path and redacted query of the request that produced it. */
  readonly path: string;
  /** Index of the credential used (position in the configured list), or -1 when none. */
  readonly credentialIndex: number;
}

/** The client every stream and paginator uses: origin-safe, retried, rate-limited, with mapped errors. */
export interface ApiClient {
  /** The configured API base, e.g. `https://api.bitbucket.org/2.0` or `https://host/ctx/rest/api/1.0`. */
  readonly baseUrl: URL;
  /** Throws a {@link BbsyncError} for every failure; returns statuses listed in `expect`. */
  request<T = unknown>(request: ApiRequest): Promise<ApiResponse<T>>;
  /** Counters since creation. */
  stats(): RequestStats;
}

export interface RequestStats {
  /** Requests sent (every attempt counts: this is what the rate limit counts). */
  requests: number;
  retries: number;
  /** Milliseconds spent waiting for budgets, cooldowns and Retry-After. */
  rateLimitWaitMs: number;
  rateLimited: number;
  byCredential: { index: number; label: string; requests: number; rateLimited: number }[];
  byStatus: Record<string, number>;
}

// ---------------------------------------------------------------------------------------------
// Transport: one request on the wire. The undici implementation is the production one; tests may
// pass a fake that answers from memory.
// ---------------------------------------------------------------------------------------------

export interface TransportRequest {
  readonly method: string;
  /** Absolute URL. */
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface TransportResponse {
  readonly status: number;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The decoded (gunzipped) body. */
  readonly body: Buffer;
}

export interface Transport {
  /** Rejects with a BbsyncError `network_error` (timeouts, resets) or `bad_response` (body too large). */
  send(request: TransportRequest): Promise<TransportResponse>;
  close(): Promise<void>;
}

/** Maps a non-2xx response (or a 2xx with an unusable body) to the taxonomy. Cloud and Data Center each supply one. */
export type ErrorMapper = (input: {
  status: number;
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
  method: string;
  path: string;
  credentialKind: CredentialKind | undefined;
  /**
   * Replaces every registered secret form in a server's text. A mapper must call it on the raw text (the whole
   * message, page or body) before cutting, collapsing or otherwise reformatting it.
   */
  redact: (text: string) => string;
}) => BbsyncError;

// ---------------------------------------------------------------------------------------------
// Credentials. Named by how they are sent, because vendor names collide (a Cloud "API token" is
// Basic auth; some tools call an access token an "API token").
// ---------------------------------------------------------------------------------------------

/** `bearer`: Authorization: Bearer <token>. `basic`: Authorization: Basic base64(username:secret). */
export type CredentialKind = 'bearer' | 'basic';

/**
 * A credential as configured. Exactly one form:
 * - `{ accessToken }`: Cloud workspace/project/repository access token, Data Center HTTP access token (Bearer).
 * - `{ email, apiToken }`: Cloud API token with the Atlassian account email (Basic).
 * - `{ username, password }`: Data Center user + password or personal access token; a Cloud app password (Basic, removed 2026-07-28).
 */
export interface CredentialConfig {
  readonly accessToken?: string | undefined;
  readonly email?: string | undefined;
  readonly apiToken?: string | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** A name for logs and reports (never the secret). @default `credential #<index>` */
  readonly label?: string | undefined;
  /** Only serve these streams. @default every stream */
  readonly streams?: readonly string[] | undefined;
  /** Only serve these repositories (glob patterns on the canonical name). @default every repository */
  readonly repositories?: readonly string[] | undefined;
  /** Requests per hour this credential may spend (Cloud), overriding the default. */
  readonly requestsPerHour?: number | undefined;
}

/** A parsed credential. The secret is held privately and never serialized. */
export interface Credential {
  readonly index: number;
  readonly label: string;
  readonly kind: CredentialKind;
  /** How the user configured it: `access_token`, `api_token` (email + API token) or `password`. */
  readonly form: 'access_token' | 'api_token' | 'password';
  /**
   * Whose rate limit it spends: an access token is its own identity; Basic credentials of one user share
   * the user's budget. Opaque (a hash), never the secret.
   */
  readonly identity: string;
  readonly streams: readonly string[] | undefined;
  readonly repositories: readonly string[] | undefined;
  readonly requestsPerHour: number | undefined;
  /** The Authorization header value. Kept off enumerable properties so JSON.stringify and inspect never show it. */
  authorization(): string;
  /** Every string that must never be printed: the secret, `user:secret` and its base64 forms. */
  secrets(): readonly string[];
  /**
   * Every run of 16 characters of each encoding of the secret alone (see `partialSecretForms`): a part of the
   * secret that someone else cut (a server echoing a truncated header) must not be printed either.
   */
  partialSecrets(): readonly string[];
  /** True when this credential may serve this request (stream and repository filters, and what verification learned). */
  canServe(context: RequestContext | undefined): boolean;
  /** Limits the repositories this credential serves to those verification found visible to it. */
  restrictTo?(repositories: Iterable<string>): void;
}

// ---------------------------------------------------------------------------------------------
// Budgets: pluggable per vendor rule.
// ---------------------------------------------------------------------------------------------

/** Rate-limit budget of one identity (and resource group). */
export interface Budget {
  /** Requests that could be sent right now without exceeding the budget (for choosing a credential). */
  available(now: number): number;
  /** Milliseconds until one request may be sent (0 = now). */
  waitTime(now: number): number;
  /** Records one request sent at `now`. Callers must only call it when `waitTime(now) === 0`. */
  take(now: number): void;
  /** Learns from a response's headers (Cloud `X-RateLimit-Limit`, `X-RateLimit-NearLimit`). */
  observe(headers: Readonly<Record<string, string | undefined>>, now: number): void;
  /** A 429 was received: no request until `until`. */
  coolDown(until: number): void;
}

/** Makes the budget for a credential; credentials with the same `identity` share one budget. */
export type BudgetFactory = (credential: Credential) => Budget;
