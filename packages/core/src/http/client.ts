/**
 * The API client every stream and paginator uses. Per attempt: take a concurrency slot, acquire a
 * credential from the token pool (which waits for budgets), send, let the budget learn from the
 * headers, then classify: success, an expected status, or a mapped error that is retried by policy.
 * Every error that leaves it has passed through the redactor.
 */
import { systemClock, type Clock } from '../clock.js';
import { BbsyncError, toBbsyncError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { defaultErrorMapper } from './error-mapping.js';
import { TokenPool } from './pool.js';
import { redactingLogger, Redactor } from './redact.js';
import { isRetriable, parseRetryAfter, retryDelay, retryOptions, type RetryOptions } from './retry.js';
import { Semaphore } from './semaphore.js';
import { createUndiciTransport } from './transport.js';
import { encodeQuery, parseBaseUrl, resolveRequestUrl } from './url.js';
import type {
  ApiClient,
  ApiRequest,
  ApiResponse,
  BudgetFactory,
  Credential,
  ErrorMapper,
  RequestStats,
  Transport,
  TransportResponse,
} from './types.js';

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** The API base, e.g. `https://api.bitbucket.org/2.0` or `https://host/ctx/rest/api/1.0`. */
  readonly baseUrl: string | URL;
  /** Parsed credentials (see `parseCredentials`); none sends unauthenticated requests. */
  readonly credentials: readonly Credential[];
  /** Budgets per identity (`cloudBudgets()` or `dataCenterBudgets()`). */
  readonly budgets: BudgetFactory;
  /** @default createUndiciTransport() (closed by `close()`) */
  readonly transport?: Transport | undefined;
  /** @default a mapper that understands the common JSON error shapes */
  readonly errorMapper?: ErrorMapper | undefined;
  /** Overrides of {@link DEFAULT_RETRY_OPTIONS}. */
  readonly retry?: Partial<RetryOptions> | undefined;
  /** Requests in flight at once: the one concurrency limiter of bbsync. @default 4 */
  readonly concurrency?: number | undefined;
  /** Longest wait for a budget or cooldown per attempt before `budget_exhausted`. @default 900_000 */
  readonly maxWaitMs?: number | undefined;
  /** @default systemClock */
  readonly clock?: Clock | undefined;
  /** @default silentLogger */
  readonly logger?: Logger | undefined;
  /** Receives every credential's secrets; pass a shared one so other log lines are redacted too. @default new Redactor() */
  readonly redactor?: Redactor | undefined;
  /** Requests (attempts) this client may send in total; beyond it requests fail with `budget_exhausted`. */
  readonly maxRequests?: number | undefined;
  /** @default `bbsync` */
  readonly userAgent?: string | undefined;
  /** Source of randomness for jitter (tests pass a fixed one). @default Math.random */
  readonly random?: (() => number) | undefined;
}

/** An {@link ApiClient} that can also release its transport. */
export interface ClosableApiClient extends ApiClient {
  /** Closes the transport if the client created it (a passed-in transport is left to its owner). */
  close(): Promise<void>;
  /** The token pool (for reports: per-credential counts and waits). */
  readonly pool: TokenPool | undefined;
}

interface Attempt {
  readonly response?: TransportResponse | undefined;
  readonly error?: BbsyncError | undefined;
  readonly credential: Credential | undefined;
}

/** Creates the API client. See {@link ApiClientOptions} for defaults. */
export function createApiClient(options: ApiClientOptions): ClosableApiClient {
  const baseUrl = parseBaseUrl(options.baseUrl);
  const clock = options.clock ?? systemClock;
  const redactor = options.redactor ?? new Redactor();
  for (const credential of options.credentials) redactor.addForms(credential.secrets()).addPartials(credential.partialSecrets());
  const logger = redactingLogger(options.logger ?? silentLogger, redactor);
  const redactText = (text: string): string => redactor.redact(text);
  const ownsTransport = options.transport === undefined;
  const transport = options.transport ?? createUndiciTransport();
  const mapError = options.errorMapper ?? defaultErrorMapper;
  const retry = retryOptions(options.retry);
  const random = options.random ?? Math.random;
  const semaphore = new Semaphore(options.concurrency ?? 4);
  const pool =
    options.credentials.length === 0
      ? undefined
      : new TokenPool({ credentials: options.credentials, budgets: options.budgets, clock, maxWaitMs: options.maxWaitMs });
  const userAgent = options.userAgent ?? 'bbsync';
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY;

  const counters = { requests: 0, retries: 0, rateLimitWaitMs: 0, rateLimited: 0 };
  const byStatus: Record<string, number> = {};
  const anonymous = { requests: 0, rateLimited: 0 };

  /** Every error leaves through here: redacted, with a clean cause. */
  const fail = (error: unknown, credential?: Credential): BbsyncError => {
    const mapped = toBbsyncError(error);
    const withIndex =
      credential !== undefined && mapped.credentialIndex === undefined
        ? new BbsyncError(mapped.code, mapped.message, { ...mapped, hint: mapped.hint, cause: mapped.cause, credentialIndex: credential.index })
        : mapped;
    return redactor.redactError(withIndex);
  };

  async function attempt(request: ApiRequest, url: URL, path: string, method: string, headers: Record<string, string>, body: string | undefined): Promise<Attempt> {
    const release = await semaphore.acquire(request.signal);
    let credential: Credential | undefined;
    try {
      if (counters.requests >= maxRequests) {
        throw new BbsyncError('budget_exhausted', `The request budget of ${maxRequests} requests is spent (at ${method} ${path})`, {
          disposition: 'stop',
          method,
          path,
        });
      }
      let lease;
      if (pool !== undefined) {
        lease = await pool.acquire(request.context, request.signal);
        credential = lease.credential;
        counters.rateLimitWaitMs += lease.waitedMs;
      }
      // Counted before sending: the rate limit counts what reaches the server, and an attempt may die mid-way.
      counters.requests++;
      if (credential === undefined) anonymous.requests++;
      const sendHeaders = credential === undefined ? headers : { ...headers, authorization: credential.authorization() };
      const started = clock.now();
      try {
        const response = await transport.send({ method, url, headers: sendHeaders, body, signal: request.signal });
        byStatus[String(response.status)] = (byStatus[String(response.status)] ?? 0) + 1;
        if (credential !== undefined) pool?.observe(credential, response.headers);
        logger.debug('http request', {
          method,
          path,
          status: response.status,
          durationMs: clock.now() - started,
          credential: credential?.index ?? -1,
        });
        return { response, credential };
      } catch (error) {
        const mapped = request.signal?.aborted
          ? new BbsyncError('cancelled', `${method} ${path} was cancelled`, { method, path, cause: error })
          : toBbsyncError(error, 'network_error');
        logger.debug('http request failed', {
          method,
          path,
          code: mapped.code,
          durationMs: clock.now() - started,
          credential: credential?.index ?? -1,
        });
        return { error: mapped, credential };
      } finally {
        lease?.release();
      }
    } finally {
      release();
    }
  }

  async function request<T = unknown>(request: ApiRequest): Promise<ApiResponse<T>> {
    const method = request.method ?? 'GET';
    let url: URL;
    try {
      url = resolveRequestUrl(baseUrl, request.url, request.query);
    } catch (error) {
      throw fail(error);
    }
    const path = redactor.redactUrl(url);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      // The credential is the pool's business; a caller-supplied one would bypass budgets and redaction.
      if (name.toLowerCase() !== 'authorization') headers[name.toLowerCase()] = value;
    }
    headers['user-agent'] = userAgent;
    headers.accept ??= 'application/json';
    let body: string | undefined;
    if (request.body !== undefined) {
      if ('form' in request.body) {
        body = encodeQuery(request.body.form);
        headers['content-type'] = 'application/x-www-form-urlencoded';
      } else {
        body = JSON.stringify(request.body.json);
        headers['content-type'] = 'application/json';
      }
    }
    const expect = new Set(request.expect ?? []);
    let waitedOnRetries = 0;

    for (let attemptNumber = 1; ; attemptNumber++) {
      if (request.signal?.aborted) throw fail(new BbsyncError('cancelled', `${method} ${path} was cancelled`, { method, path }));
      let outcome: Attempt;
      try {
        outcome = await attempt(request, url, path, method, headers, body);
      } catch (error) {
        // Pool or semaphore refusals (no credential, budget exhausted, cancelled): never retried here.
        throw fail(error);
      }
      const { response, credential } = outcome;
      let error = outcome.error;
      let retryAfterMs: number | undefined;

      if (response !== undefined) {
        const status = response.status;
        if (expect.has(status)) return answer<T>(response, path, credential, true);
        if (status >= 200 && status < 300) {
          const parsed = parseBody(response);
          if (parsed.ok) return { status, headers: response.headers, body: parsed.value as T, path, credentialIndex: credential?.index ?? -1 };
          if (parsed.tooDeep === true) {
            throw fail(
              new BbsyncError('bad_response', `${method} ${path}: the response is nested deeper than ${MAX_JSON_DEPTH} levels; refused unparsed`, {
                status,
                method,
                path,
                disposition: 'fatal',
                hint: 'This is not a Bitbucket API response; check the base URL and any proxy in between.',
              }),
              credential,
            );
          }
        }
        error = mapError({ status, headers: response.headers, body: response.body, method, path, credentialKind: credential?.kind, redact: redactText });
        retryAfterMs = parseRetryAfter(response.headers['retry-after'], clock.now());
        if (status === 429) {
          counters.rateLimited++;
          if (credential === undefined) anonymous.rateLimited++;
        }
      }
      const failure = error ?? new BbsyncError('bad_response', `${method} ${path}: no response`);

      if (!isRetriable(failure) || attemptNumber >= retry.maxAttempts) throw fail(failure, credential);

      let delay: number;
      if (response?.status === 429 && pool !== undefined && credential !== undefined) {
        // The cooldown lives in the pool: the retry goes to another eligible credential at once, or waits
        // there (bounded by maxWaitMs, then budget_exhausted). Without Retry-After the cooldown is the plain
        // exponential backoff: a jittered near-zero cooldown would hand the retry straight back to this credential.
        delay = retryDelay(attemptNumber, { ...retry, jitter: 'none' }, retryAfterMs);
        pool.penalize(credential, clock.now() + delay);
      } else {
        delay = retryDelay(attemptNumber, retry, retryAfterMs, random);
        if (waitedOnRetries + delay > retry.maxTotalWaitMs) throw fail(failure, credential);
        try {
          await clock.sleep(delay, request.signal);
        } catch (sleepError) {
          throw fail(new BbsyncError('cancelled', `${method} ${path} was cancelled`, { method, path, cause: sleepError }));
        }
        waitedOnRetries += delay;
        if (response?.status === 429) counters.rateLimitWaitMs += delay;
      }
      counters.retries++;
      logger.debug('http retry', { method, path, attempt: attemptNumber + 1, code: failure.code, delayMs: delay });
    }
  }

  function stats(): RequestStats {
    const byCredential = (pool?.stats().byCredential ?? []).map(({ index, label, requests, rateLimited }) => ({
      index,
      label,
      requests,
      rateLimited,
    }));
    if (pool === undefined && anonymous.requests > 0) {
      byCredential.push({ index: -1, label: 'anonymous', requests: anonymous.requests, rateLimited: anonymous.rateLimited });
    }
    return { ...counters, byCredential, byStatus: { ...byStatus } };
  }

  return {
    baseUrl,
    request,
    stats,
    pool,
    close: async () => {
      if (ownsTransport) await transport.close();
    },
  };
}

/**
 * Deepest nesting of objects and arrays a response may have. Bitbucket's objects nest about 8 deep; a hostile or
 * broken body nested thousands deep would parse, then overflow the stack of whatever walks it recursively.
 */
export const MAX_JSON_DEPTH = 64;

/** True when JSON text nests objects/arrays deeper than `max` (brackets inside strings ignored). One pass, no parse. */
export function jsonNestedDeeperThan(body: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i] as number;
    if (inString) {
      if (byte === 0x5c) i++; // backslash: skip the escaped byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > max) return true;
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return false;
}

/** JSON for JSON bodies, `undefined` for empty ones, `{ ok: false }` when the body cannot be used. */
function parseBody(response: TransportResponse): { ok: true; value: unknown } | { ok: false; tooDeep?: boolean } {
  if (response.body.length === 0 || response.status === 204) return { ok: true, value: undefined };
  // Decoded once: a page is often over 100 KB, and each extra copy of it is garbage the heap must absorb.
  const text = response.body.toString('utf8');
  if (WHITESPACE_ONLY.test(text)) return { ok: true, value: undefined };
  if (jsonNestedDeeperThan(response.body, MAX_JSON_DEPTH)) return { ok: false, tooDeep: true };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** A body of nothing but whitespace (stops at the first other character, so it is cheap on a large body). */
const WHITESPACE_ONLY = /^\s*$/;

function answer<T>(response: TransportResponse, path: string, credential: Credential | undefined, lenient: boolean): ApiResponse<T> {
  const parsed = parseBody(response);
  // Expected statuses may carry text or HTML: it is returned as text rather than failing.
  const body = parsed.ok ? parsed.value : lenient ? response.body.toString('utf8') : undefined;
  return { status: response.status, headers: response.headers, body: body as T, path, credentialIndex: credential?.index ?? -1 };
}
