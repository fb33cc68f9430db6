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
];
const DEFAULT_DISPOSITION = {
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
const DEFAULT_HINT = {
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
/** The one error class bbsync throws. Its message and fields never contain a credential. */
export class BbsyncError extends Error {
    name = 'BbsyncError';
    code;
    status;
    method;
    path;
    hint;
    disposition;
    field;
    credentialIndex;
    constructor(code, message, options = {}) {
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
    toJSON() {
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
/**
 * True for a {@link BbsyncError}. Matches by `name` and `code` too, because a bundle can hold two
 * copies of this class (one per package instance) and `instanceof` would then fail.
 */
export function isBbsyncError(value, code) {
    if (value instanceof BbsyncError)
        return code === undefined || value.code === code;
    if (typeof value !== 'object' || value === null)
        return false;
    const candidate = value;
    return (candidate.name === 'BbsyncError' &&
        typeof candidate.code === 'string' &&
        ERROR_CODES.includes(candidate.code) &&
        (code === undefined || candidate.code === code));
}
/** Shorthand for a configuration error that names the field and what is allowed. */
export function configError(field, problem, allowed) {
    const message = allowed ? `${field}: ${problem} (allowed: ${allowed})` : `${field}: ${problem}`;
    return new BbsyncError('config_error', message, { field, hint: allowed ? `Set ${field} to ${allowed}.` : `Fix ${field}.` });
}
/** Wraps anything thrown into a BbsyncError, keeping BbsyncErrors as they are. */
export function toBbsyncError(error, fallback = 'bad_response') {
    if (isBbsyncError(error))
        return error;
    if (error instanceof Error && error.name === 'AbortError') {
        return new BbsyncError('cancelled', 'The operation was cancelled', { cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new BbsyncError(fallback, message, { cause: error });
}
//# sourceMappingURL=errors.js.map