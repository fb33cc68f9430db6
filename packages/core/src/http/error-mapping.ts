/**
 * Maps failed responses to the closed error taxonomy. The body is classified before it is parsed:
 * Cloud's 429 is `text/plain` ("Rate limit for this resource has been exceeded", not JSON), and a
 * proxy, SSO or maintenance page is HTML, so a body is only `JSON.parse`d when it looks like JSON.
 */
import { BbsyncError, type Disposition, type ErrorCode } from '../errors.js';
import type { CredentialKind, ErrorMapper } from './types.js';

/** Longest excerpt of the API's own message kept in an error message. */
export const MAX_API_MESSAGE_LENGTH = 300;

/** Vendor-specific parts of the error mapper, supplied by each connector. */
export interface ErrorMapperOptions {
  /** Extracts the API's message from a parsed JSON error body; falls back to {@link defaultMessageOf}. */
  readonly messageOf?: ((json: unknown) => string | undefined) | undefined;
  /** A hint for a 403 from the response headers (Cloud's `X-Accepted-OAuth-Scopes`). */
  readonly scopeHint?: ((headers: Readonly<Record<string, string | undefined>>) => string | undefined) | undefined;
}

/** What kind of body a response carries, decided from Content-Type and the first bytes. */
export type BodyKind = 'empty' | 'json' | 'html' | 'text';

/** Classifies a body without parsing it: an HTML proxy page or Cloud's text/plain 429 is never fed to JSON.parse. */
export function bodyKind(headers: Readonly<Record<string, string | undefined>>, body: Buffer): BodyKind {
  const text = body.subarray(0, 512).toString('utf8').trimStart();
  if (text === '') return 'empty';
  const type = (headers['content-type'] ?? '').toLowerCase();
  if (type.includes('html') || /^<(!doctype|html|head|body|\?xml)/i.test(text)) return 'html';
  if (type.includes('json') || text.startsWith('{') || text.startsWith('[')) return 'json';
  return 'text';
}

/** Parses JSON without throwing: `undefined` when it is not JSON. */
export function tryParseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * The message of the common error shapes: Cloud `{type:'error', error:{message, detail}}`, Data Center
 * `{errors:[{message}]}`, and `{message}` / `{error: string}` / `{error_description}`.
 */
export function defaultMessageOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return typeof json === 'string' ? json : undefined;
  const value = json as Record<string, unknown>;
  const error = value.error;
  if (typeof error === 'object' && error !== null) {
    const { message, detail } = error as Record<string, unknown>;
    if (typeof message === 'string') return typeof detail === 'string' && detail !== '' ? `${message} (${detail})` : message;
  }
  if (Array.isArray(value.errors)) {
    const messages = value.errors
      .map((item: unknown) => (typeof item === 'object' && item !== null ? (item as { message?: unknown }).message : item))
      .filter((message): message is string => typeof message === 'string');
    if (messages.length > 0) return messages.join('; ');
  }
  if (typeof value.message === 'string') return value.message;
  if (typeof value.error_description === 'string') return value.error_description;
  if (typeof error === 'string') return error;
  return undefined;
}

/**
 * One line of at most `max` characters. Only ever called on text that is already redacted: cutting or
 * collapsing whitespace first would leave a secret that no longer matches its registered form (a token cut in
 * half, a password whose two spaces became one) to be printed.
 */
function truncate(redacted: string, max = MAX_API_MESSAGE_LENGTH): string {
  const oneLine = redacted.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** Longest excerpt of a text body kept (after redaction) before it is cut to {@link MAX_API_MESSAGE_LENGTH}. */
const MAX_TEXT_EXCERPT = 2048;

/** The title of an HTML page, looked for in text that is already redacted. */
function htmlTitle(redactedPage: string): string | undefined {
  const match = /<title[^>]*>([^<]*)<\/title>/i.exec(redactedPage);
  return match?.[1] !== undefined && match[1].trim() !== '' ? match[1].trim() : undefined;
}

function unauthorizedHint(kind: CredentialKind | undefined): string {
  const base = 'Check that the credential is correct, not expired or revoked.';
  if (kind === 'basic') {
    return `${base} Bitbucket Cloud removed app passwords on 2026-07-28: use an API token with your Atlassian account email as the username ({ email, apiToken }), or an access token. On Data Center a 401 can also mean the user lacks permission.`;
  }
  if (kind === 'bearer') return `${base} Access tokens are sent as Bearer tokens; an API token needs { email, apiToken } instead.`;
  return `${base} No credential was sent; configure one.`;
}

/**
 * Creates the mapper from a failed response to a {@link BbsyncError}:
 * 401 `invalid_credentials`, 403 `invalid_permissions`, 404/410 `not_found`, 429 `rate_limited`,
 * 5xx `server_error`, 408 `network_error`, 3xx (a redirect, never followed) and other 4xx `bad_response`
 * with disposition `fatal` (a 400 is a bug-shaped error), an unusable 2xx body `bad_response` (retriable:
 * a truncated body is usually a cut connection). The message holds status, method, path and the API's
 * own message (at most 300 characters). The server's text is redacted with `redact` while it is whole, before
 * anything cuts or reformats it (a hostile or echoing server may put a credential anywhere in its body).
 */
export function createErrorMapper(options: ErrorMapperOptions = {}): ErrorMapper {
  const messageOf = options.messageOf ?? defaultMessageOf;
  return ({ status, headers, body, method, path, credentialKind, redact }) => {
    const kind = bodyKind(headers, body);
    let apiMessage: string | undefined;
    let unparseable = false;
    if (kind === 'json') {
      const parsed = tryParseJson(body);
      if (parsed.ok) {
        // The extracted message is a whole JSON string value (unescaped), so the redactor sees the raw secret.
        const message = messageOf(parsed.value) ?? defaultMessageOf(parsed.value);
        apiMessage = message === undefined ? undefined : redact(message);
      } else unparseable = true;
    } else if (kind === 'html') {
      // The whole page is redacted before the title is looked for: a title cut at a byte limit could cut a secret.
      const title = htmlTitle(redact(body.toString('utf8')));
      apiMessage = `an HTML page${title ? ` titled "${title}"` : ''}`;
    } else if (kind === 'text') {
      apiMessage = redact(body.toString('utf8')).slice(0, MAX_TEXT_EXCERPT);
    }

    let code: ErrorCode;
    let disposition: Disposition | undefined;
    let hint: string | undefined;
    if (status >= 200 && status < 300) {
      code = 'bad_response';
      hint =
        kind === 'html'
          ? 'Expected JSON but got an HTML page (a proxy, SSO login or maintenance page?); check the base URL and proxy.'
          : 'The response body was not the expected JSON (truncated by a cut connection?).';
      if (unparseable) apiMessage = `unparseable JSON body (${body.length} bytes)`;
    } else if (status >= 300 && status < 400) {
      // A redirect could lead a credential to another origin: refused like a foreign `next` link.
      code = 'pagination_error';
      disposition = 'fatal';
      const location = headers.location;
      apiMessage = `redirect${location ? ` to ${redirectTarget(redact(location))}` : ''} refused`;
      hint = 'bbsync never follows redirects (credentials go only to the configured origin); set the base URL to the final API address (https?).';
    } else if (status === 401) {
      code = 'invalid_credentials';
      hint = unauthorizedHint(credentialKind);
    } else if (status === 403) {
      code = 'invalid_permissions';
      hint = options.scopeHint?.(headers);
    } else if (status === 404 || status === 410) {
      code = 'not_found';
    } else if (status === 408) {
      code = 'network_error';
    } else if (status === 429) {
      code = 'rate_limited';
    } else if (status >= 500) {
      code = 'server_error';
      if (kind === 'html') hint = 'The server (or a proxy in front of it) answered with an HTML error page; usually maintenance or an outage.';
    } else {
      code = 'bad_response';
      disposition = 'fatal';
      hint =
        status === 400
          ? 'The API rejected the request as malformed; this is likely a bbsync bug (or an unsupported server version): please report it.'
          : `Unexpected HTTP ${status}; the request is not retried.`;
    }
    if (kind === 'html' && status >= 400 && status < 500 && status !== 429 && code !== 'bad_response') {
      hint = `${hint ?? ''} The body was an HTML page, so a proxy may have answered instead of the API.`.trim();
    }

    const suffix = apiMessage === undefined || apiMessage.trim() === '' ? '' : `: ${truncate(apiMessage)}`;
    return new BbsyncError(code, `HTTP ${status} on ${method} ${path}${suffix}`, {
      status,
      method,
      path,
      hint,
      disposition,
    });
  };
}

/** Origin and path of a redirect target: its query may hold a token, so it is left out. */
function redirectTarget(location: string): string {
  try {
    const url = new URL(location, 'http://relative.invalid');
    return url.origin === 'http://relative.invalid' ? url.pathname : `${url.origin}${url.pathname}`;
  } catch {
    return '(unparseable location)';
  }
}

/** The default mapper (common JSON error shapes). */
export const defaultErrorMapper: ErrorMapper = createErrorMapper();
