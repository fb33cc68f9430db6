/**
 * Redaction: every error message and log line of the HTTP layer passes through a {@link Redactor}
 * before anyone can print it. A secret leaks in more shapes than its plain text: Basic auth sends
 * `base64(user:secret)`, and a secret inside any longer base64-encoded string shows up as a stable
 * inner substring whose exact characters depend on its byte offset modulo 3. All of them are registered.
 */
import { BbsyncError } from '../errors.js';
import type { LogFields, Logger } from '../logger.js';

/** What a redacted value is replaced with. */
export const REDACTED = '***';

/**
 * Query parameters whose values are always hidden in paths, whatever their value
 * (tokens in `next` links, signed URLs).
 */
export const SENSITIVE_QUERY_PARAMS: ReadonlySet<string> = new Set([
  'access_token',
  'token',
  'password',
  'sig',
  'signature',
  'key',
  'secret',
  'auth',
]);

/** Derived forms shorter than this are not registered: they would blank out ordinary words and numbers. */
const MIN_DERIVED_LENGTH = 6;

/**
 * The base64 characters that encode only bytes of `secret` when it sits at byte offset
 * `offset` (0, 1 or 2) of a longer string: they appear verbatim in the encoding of any text that
 * contains the secret at a position congruent to `offset` modulo 3.
 */
export function base64AtOffset(secret: string, offset: 0 | 1 | 2): string {
  const bytes = Buffer.from(secret, 'utf8');
  const padded = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(3)]);
  const encoded = padded.toString('base64');
  // Character i encodes bits [6i, 6i + 6); keep those lying entirely inside the secret's bytes.
  const first = Math.ceil((8 * offset) / 6);
  const end = Math.floor((8 * (offset + bytes.length)) / 6);
  return end > first ? encoded.slice(first, end) : '';
}

/** base64url (RFC 4648 §5: `-` and `_` for `+` and `/`, no padding) of base64 text. */
function toBase64Url(base64: string): string {
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Every printable form of a secret: itself, its URL encodings, its JSON-escaped form, its base64 and
 * base64url at offsets 0, 1 and 2, its hex (lower and upper case), and for Basic auth `user:secret`, its
 * full base64 (the header value) and that header.
 */
export function secretForms(secret: string, username?: string): string[] {
  if (secret === '') return [];
  const forms = new Set<string>([secret]);
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  const atOffsets = [base64AtOffset(secret, 0), base64AtOffset(secret, 1), base64AtOffset(secret, 2)];
  const hex = Buffer.from(secret, 'utf8').toString('hex');
  const derived: string[] = [
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    base64,
    ...atOffsets,
    toBase64Url(base64),
    ...atOffsets.map(toBase64Url),
    hex,
    hex.toUpperCase(),
    // As a JSON string holds it (a manifest, `verify --json`): `"` and `\` escaped, control characters as \uXXXX.
    JSON.stringify(secret).slice(1, -1),
  ];
  if (username !== undefined) {
    const pair = `${username}:${secret}`;
    const encodedPair = Buffer.from(pair, 'utf8').toString('base64');
    derived.push(pair, encodedPair, `Basic ${encodedPair}`, encodeURIComponent(pair), toBase64Url(encodedPair));
  }
  for (const form of derived) if (form.length >= MIN_DERIVED_LENGTH) forms.add(form);
  return [...forms];
}

/**
 * A run of this many characters of a secret, or of an encoding of it, is redacted too: a secret that someone
 * else cut short (a server or proxy echoing a truncated header) is still a secret. Shorter runs are left: they
 * could be ordinary text, and 15 characters of a credential do not open anything.
 */
export const PARTIAL_SECRET_LENGTH = 16;

/**
 * Every run of {@link PARTIAL_SECRET_LENGTH} characters of each form of the secret alone (the secret, its URL,
 * JSON, base64, base64url and hex encodings). Forms with the username are left out: a run of the username
 * alone is no secret, and the secret's part of `base64(user:secret)` is its base64 at an offset, covered here.
 */
export function partialSecretForms(secret: string): string[] {
  const runs = new Set<string>();
  for (const form of secretForms(secret)) {
    for (let i = 0; i + PARTIAL_SECRET_LENGTH <= form.length; i++) runs.add(form.slice(i, i + PARTIAL_SECRET_LENGTH));
  }
  return [...runs];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces registered secrets (and their derived forms) in text, URLs, log fields and errors. */
export class Redactor {
  readonly #forms = new Set<string>();
  /** Runs of {@link PARTIAL_SECRET_LENGTH} characters, looked up at every position (a set: thousands of them stay cheap). */
  readonly #partials = new Set<string>();
  #pattern: RegExp | undefined;

  /**
   * Registers a secret and its derived forms, and every run of {@link PARTIAL_SECRET_LENGTH} characters of
   * them. Pass `username` for a Basic credential so that `username:secret` and its base64 are registered too.
   */
  add(secret: string, username?: string): this {
    return this.addForms(secretForms(secret, username)).addPartials(partialSecretForms(secret));
  }

  /** Registers runs of exactly {@link PARTIAL_SECRET_LENGTH} characters (e.g. {@link Credential.partialSecrets}); others are ignored. */
  addPartials(runs: Iterable<string>): this {
    for (const run of runs) if (run.length === PARTIAL_SECRET_LENGTH) this.#partials.add(run);
    return this;
  }

  /** Registers exact strings (e.g. {@link Credential.secrets}) without deriving anything. */
  addForms(forms: Iterable<string>): this {
    for (const form of forms) {
      if (form !== '' && !this.#forms.has(form)) {
        this.#forms.add(form);
        this.#pattern = undefined;
      }
    }
    return this;
  }

  /** Number of registered forms. */
  get size(): number {
    return this.#forms.size;
  }

  /**
   * Replaces every registered form with `***` (longest forms first, so a form's substring never survives), then
   * every stretch of text made of registered partial runs (a secret cut short) with one `***`.
   */
  redact(text: string): string {
    if (this.#forms.size === 0 || text === '') return text;
    if (this.#pattern === undefined) {
      const sorted = [...this.#forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.#pattern = new RegExp(sorted.join('|'), 'g');
    }
    const whole = text.replace(this.#pattern, REDACTED);
    return this.#partials.size === 0 ? whole : this.#redactPartials(whole);
  }

  /** One pass: each position's run is looked up; overlapping or touching matches merge into one stretch. */
  #redactPartials(text: string): string {
    let out = '';
    let copied = 0;
    let start = -1;
    let end = -1;
    for (let i = 0; i + PARTIAL_SECRET_LENGTH <= text.length; i++) {
      if (!this.#partials.has(text.slice(i, i + PARTIAL_SECRET_LENGTH))) continue;
      if (i > end) {
        if (start !== -1) out += `${text.slice(copied, start)}${REDACTED}`;
        if (start !== -1) copied = end;
        start = i;
      }
      end = i + PARTIAL_SECRET_LENGTH;
    }
    if (start === -1) return text;
    return `${out}${text.slice(copied, start)}${REDACTED}${text.slice(end)}`;
  }

  /**
   * Path and query of a URL (never scheme, host or user info), with the values of
   * {@link SENSITIVE_QUERY_PARAMS} replaced and registered secrets redacted.
   */
  redactUrl(url: string | URL): string {
    return this.redact(safePath(url));
  }

  /** Redacts strings inside log fields (deeply, through arrays and plain objects). */
  redactFields(fields: LogFields): LogFields {
    return this.#redactValue(fields, 0) as LogFields;
  }

  #redactValue(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (value instanceof Error) return sanitizeCause(value, this);
    if (Array.isArray(value)) return value.map((item) => this.#redactValue(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = this.#redactValue(item, depth + 1);
    return out;
  }

  /**
   * A copy of a BbsyncError whose message, hint and path are redacted and whose cause is reduced
   * to a redacted plain Error, so that `JSON.stringify`, `util.inspect` and stack traces are clean.
   */
  redactError(error: BbsyncError): BbsyncError {
    const copy = new BbsyncError(error.code, this.redact(error.message), {
      status: error.status,
      method: error.method,
      path: error.path === undefined ? undefined : this.redact(error.path),
      hint: this.redact(error.hint),
      disposition: error.disposition,
      field: error.field,
      credentialIndex: error.credentialIndex,
      cause: error.cause === undefined ? undefined : sanitizeCause(error.cause, this),
    });
    return copy;
  }
}

/** A plain Error carrying only the redacted message, name and code of a cause (and of its own cause, once). */
function sanitizeCause(cause: unknown, redactor: Redactor, depth = 0): Error {
  const source = cause instanceof Error ? cause : undefined;
  const message = source ? source.message : typeof cause === 'string' ? cause : 'non-error value thrown';
  const inner =
    depth < 2 && source?.cause !== undefined ? { cause: sanitizeCause(source.cause, redactor, depth + 1) } : undefined;
  const copy = new Error(redactor.redact(message), inner);
  copy.name = source?.name ?? 'Error';
  const code = (source as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') (copy as Error & { code?: string }).code = code;
  return copy;
}

/**
 * Path and query of a URL with sensitive query values replaced: what may appear in messages.
 * Works without any registered secret (used by the transport).
 */
export function safePath(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url, 'http://relative.invalid') : url;
  } catch {
    return '(unparseable URL)';
  }
  let query = '';
  if (parsed.search !== '') {
    const parts = parsed.search.slice(1).split('&').map((part) => {
      const eq = part.indexOf('=');
      const rawKey = eq === -1 ? part : part.slice(0, eq);
      let key = rawKey;
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      } catch {
        // keep the raw key
      }
      return eq !== -1 && SENSITIVE_QUERY_PARAMS.has(key.toLowerCase()) ? `${rawKey}=${REDACTED}` : part;
    });
    query = `?${parts.join('&')}`;
  }
  return `${parsed.pathname}${query}`;
}

/** A logger that redacts messages and fields before passing them on. */
export function redactingLogger(logger: Logger, redactor: Redactor): Logger {
  const wrap =
    (level: keyof Logger) =>
    (message: string, fields?: LogFields): void => {
      logger[level](redactor.redact(message), fields === undefined ? undefined : redactor.redactFields(fields));
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
