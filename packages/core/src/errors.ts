/**
 * The closed error taxonomy of bbsync. Every failure that leaves core is a {@link BbsyncError}
 * with one of these stable codes; connectors, the CLI and the action only ever switch on `code`.
 */
export const ERROR_CODES = [
  'invalid_credentials',
  'invalid_permissions',
  'no_resources',
  'not_found',
  'rate_limited',
  'server_error',
  'network_error',
  'bad_response',
  'pagination_error',
  'config_error',
  'cancelled',
  'budget_exhausted',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * What a caller should do with an error.
 * - `fatal`: stop the run (bad credentials, a bug-shaped 400).
 * - `retriable`: transient; the client already retried up to its caps.
 * - `skippable`: this partition cannot be read (no access, gone); isolate it and go on.
 * - `config`: the user's configuration is wrong; nothing was (or should be) sent.
 * - `stop`: the run must end gracefully (budget spent, cancelled): checkpoint and report what remains.
 */
export type Disposition = 'fatal' | 'retriable' | 'skippable' | 'config' | 'stop';

const DEFAULT_DISPOSITION: Record<ErrorCode, Disposition> = {
  invalid_credentials: 'fatal',
  invalid_permissions: 'skippable',
  no_resources: 'fatal',
  not_found: 'skippable',
  rate_limited: 'retriable',
  server_error: 'retriable',
  network_error: 'retriable',
  bad_response: 'retriable',
  pagination_error: 'fatal',
  config_error: 'config',
  cancelled: 'stop',
  budget_exhausted: 'stop',
};

const DEFAULT_HINT: Record<ErrorCode, string> = {
  invalid_credentials: 'Check that the credential is correct, not expired or revoked, and sent as the right kind (access token vs email + API token vs username + password).',
  invalid_permissions: 'The credential is valid but lacks a scope or permission for this resource; grant it or assign another credential to this stream.',
  no_resources: 'The credential sees nothing to sync; check the workspace, project filters and the credential\'s access.',
  not_found: 'The resource does not exist or is not visible to this credential.',
  rate_limited: 'The API rate limit was reached; add credentials, lower concurrency, or let the next scheduled run continue.',
  server_error: 'The server failed; this is usually transient and the next run will retry.',
  network_error: 'The API could not be reached; check the base URL, proxy, DNS and TLS settings.',
  bad_response: 'The server answered with something that is not the expected API response (a proxy or maintenance page?).',
  pagination_error: 'Pagination went wrong (a loop, a runaway, or a link to another host); this was stopped to protect your credentials.',
  config_error: 'Fix the configuration value named in the message.',
  cancelled: 'The run was cancelled; the next run continues from the last checkpoint.',
  budget_exhausted: 'The run\'s time or request budget (or every credential\'s rate limit) is spent; the next run continues from the last checkpoint.',
};

export interface BbsyncErrorOptions {
  /** HTTP status, where the error came from a response. */
  readonly status?: number | undefined;
  /** HTTP method of the failed request. */
  readonly method?: string | undefined;
  /** Path (and redacted query) of the failed request; never a full URL with credentials. */
  readonly path?: string | undefined;
  /** A one-line hint of what to do. Defaults to a hint per code. */
  readonly hint?: string | undefined;
  /** Overrides the code's default disposition. */
  readonly disposition?: Disposition | undefined;
  /** The underlying error. */
  readonly cause?: unknown;
  /** For `config_error`: the config field at fault, as a dotted path. */
  readonly field?: string | undefined;
  /** Index of the credential that made the request, when known (never the credential itself). */
  readonly credentialIndex?: number | undefined;
}

/** The one error class bbsync throws. Its message and fields never contain a credential. */
export class BbsyncError extends Error {
  override readonly name = 'BbsyncError';
  readonly code: ErrorCode;
  readonly status: number | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly hint: string;
  readonly disposition: Disposition;
  readonly field: string | undefined;
  readonly credentialIndex: number | undefined;

  constructor(code: ErrorCode, message: string, options: BbsyncErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.method = options.method;
    this.path = options.path;
    this.hint = options.hint ?? DEFAULT_HINT[code];
    this.disposition = options.disposition ?? DEFAULT_DISPOSITION[code];
    this.field = options.field;
    this.credentialIndex = options.credentialIndex;
  }

  /** A plain, serializable form (for manifests and logs). The cause is reduced to its message. */
  toJSON(): SerializedError {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint,
      disposition: this.disposition,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.method === undefined ? {} : { method: this.method }),
      ...(this.path === undefined ? {} : { path: this.path }),
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.credentialIndex === undefined ? {} : { credentialIndex: this.credentialIndex }),
    };
  }
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  hint: string;
  disposition: Disposition;
  status?: number;
  method?: string;
  path?: string;
  field?: string;
  credentialIndex?: number;
}

/**
 * True for a {@link BbsyncError}. Matches by `name` and `code` too, because a bundle can hold two
 * copies of this class (one per package instance) and `instanceof` would then fail.
 */
export function isBbsyncError(value: unknown, code?: ErrorCode): value is BbsyncError {
  if (value instanceof BbsyncError) return code === undefined || value.code === code;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  return (
    candidate.name === 'BbsyncError' &&
    typeof candidate.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(candidate.code) &&
    (code === undefined || candidate.code === code)
  );
}

/** Shorthand for a configuration error that names the field and what is allowed. */
export function configError(field: string, problem: string, allowed?: string): BbsyncError {
  const message = allowed ? `${field}: ${problem} (allowed: ${allowed})` : `${field}: ${problem}`;
  return new BbsyncError('config_error', message, { field, hint: allowed ? `Set ${field} to ${allowed}.` : `Fix ${field}.` });
}

/** Wraps anything thrown into a BbsyncError, keeping BbsyncErrors as they are. */
export function toBbsyncError(error: unknown, fallback: ErrorCode = 'bad_response'): BbsyncError {
  if (isBbsyncError(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new BbsyncError('cancelled', 'The operation was cancelled', { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BbsyncError(fallback, message, { cause: error });
}
