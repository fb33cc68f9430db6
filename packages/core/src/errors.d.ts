/**
 * The closed error taxonomy of bbsync. Every failure that leaves core is a {@link BbsyncError}
 * with one of these stable codes; connectors, the CLI and the action only ever switch on `code`.
 */
export declare const ERROR_CODES: readonly ['invalid_credentials', 'invalid_permissions', 'no_resources', 'not_found', 'rate_limited', 'server_error', 'network_error', 'bad_response', 'pagination_error', 'config_error', 'cancelled', 'budget_exhausted'];
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
export declare class BbsyncError extends Error {
    readonly name = "BbsyncError";
    readonly code: ErrorCode;
    readonly status: number | undefined;
    readonly method: string | undefined;
    readonly path: string | undefined;
    readonly hint: string;
    readonly disposition: Disposition;
    readonly field: string | undefined;
    readonly credentialIndex: number | undefined;
    constructor(code: ErrorCode, message: string, options?: BbsyncErrorOptions);
    /** A plain, serializable form (for manifests and logs). The cause is reduced to its message. */
    toJSON(): SerializedError;
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
export declare function isBbsyncError(value: unknown, code?: ErrorCode): value is BbsyncError;
/** Shorthand for a configuration error that names the field and what is allowed. */
export declare function configError(field: string, problem: string, allowed?: string): BbsyncError;
/** Wraps anything thrown into a BbsyncError, keeping BbsyncErrors as they are. */
export declare function toBbsyncError(error: unknown, fallback?: ErrorCode): BbsyncError;
//# sourceMappingURL=errors.d.ts.map