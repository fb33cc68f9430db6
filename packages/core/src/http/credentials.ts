/**
 * Credentials: parsed from configuration, validated per field, with the secret held in a private
 * field so that nothing (JSON.stringify, util.inspect, spreading, logging) can print it.
 */
import { createHash } from 'node:crypto';
import { configError } from '../errors.js';
import { globMatcher } from './glob.js';
import { partialSecretForms, secretForms } from './redact.js';
import type { Credential, CredentialConfig, CredentialKind, RequestContext } from './types.js';

const ALLOWED_FORMS = '{ accessToken } | { email, apiToken } | { username, password }';

/** How the credential was configured (see {@link Credential.form}). */
export type CredentialForm = Credential['form'];

/** A parsed credential (see {@link Credential}), plus {@link ParsedCredential.restrictTo} for what verification learns. */
export class ParsedCredential implements Credential {
  readonly index: number;
  readonly label: string;
  readonly kind: CredentialKind;
  readonly form: CredentialForm;
  readonly identity: string;
  readonly streams: readonly string[] | undefined;
  readonly repositories: readonly string[] | undefined;
  readonly requestsPerHour: number | undefined;
  readonly #authorization: string;
  readonly #secrets: readonly string[];
  readonly #partialSecrets: readonly string[];
  readonly #streamMatches: ((name: string) => boolean) | undefined;
  readonly #repositoryMatches: ((name: string) => boolean) | undefined;
  #visible: ReadonlySet<string> | undefined;

  constructor(init: {
    index: number;
    label: string;
    form: CredentialForm;
    secret: string;
    username?: string | undefined;
    streams?: readonly string[] | undefined;
    repositories?: readonly string[] | undefined;
    requestsPerHour?: number | undefined;
  }) {
    this.index = init.index;
    this.label = init.label;
    this.form = init.form;
    this.kind = init.username === undefined ? 'bearer' : 'basic';
    this.streams = init.streams;
    this.repositories = init.repositories;
    this.requestsPerHour = init.requestsPerHour;
    if (init.username === undefined) {
      // "access token: that token (each token has its own allowance)" (Bitbucket Cloud rate-limit KB).
      this.identity = `token:${sha256(init.secret)}`;
      this.#authorization = `Bearer ${init.secret}`;
    } else {
      // "user and app password / API token: that user": two secrets of one user share one budget.
      this.identity = `user:${sha256(init.username.toLowerCase())}`;
      this.#authorization = `Basic ${Buffer.from(`${init.username}:${init.secret}`, 'utf8').toString('base64')}`;
    }
    this.#secrets = [...secretForms(init.secret, init.username), this.#authorization];
    this.#partialSecrets = partialSecretForms(init.secret);
    this.#streamMatches = init.streams === undefined ? undefined : globMatcher(init.streams);
    this.#repositoryMatches = init.repositories === undefined ? undefined : globMatcher(init.repositories);
  }

  authorization(): string {
    return this.#authorization;
  }

  secrets(): readonly string[] {
    return this.#secrets;
  }

  partialSecrets(): readonly string[] {
    return this.#partialSecrets;
  }

  /**
   * Limits this credential to the repositories it was seen to have access to (learned when the
   * credentials are verified, e.g. a repository access token sees one repository). Names compare
   * case-insensitively.
   */
  restrictTo(repositories: ReadonlySet<string> | Iterable<string>): void {
    this.#visible = new Set([...repositories].map((name) => name.toLowerCase()));
  }

  /** The repositories learned by {@link restrictTo}, lower-cased, or undefined when not restricted. */
  get visibleRepositories(): ReadonlySet<string> | undefined {
    return this.#visible;
  }

  canServe(context: RequestContext | undefined): boolean {
    if (context === undefined) return true;
    if (context.stream !== undefined && this.#streamMatches && !this.#streamMatches(context.stream)) return false;
    if (context.repository !== undefined) {
      if (this.#repositoryMatches && !this.#repositoryMatches(context.repository)) return false;
      if (this.#visible && !this.#visible.has(context.repository.toLowerCase())) return false;
    }
    return true;
  }

  /** Only the label, kind and index: never the secret, nor anything derived from it. */
  toJSON(): { index: number; label: string; kind: CredentialKind } {
    return { index: this.index, label: this.label, kind: this.kind };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Credential { index: ${this.index}, label: ${JSON.stringify(this.label)}, kind: '${this.kind}' }`;
  }

  toString(): string {
    return `${this.label} (${this.kind})`;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 24);
}

/**
 * Validates and parses the configured credentials. Each entry must have exactly one form:
 * `accessToken`, `email` + `apiToken`, or `username` + `password`. Errors are `config_error`s naming
 * the field (`credentials[2].password`) and what is allowed; they never quote a secret.
 */
export function parseCredentials(configs: readonly CredentialConfig[], fieldPrefix = 'credentials'): ParsedCredential[] {
  if (!Array.isArray(configs)) throw configError(fieldPrefix, 'must be a list of credentials', `a list of ${ALLOWED_FORMS}`);
  return configs.map((config, index) => parseOne(config, index, `${fieldPrefix}[${index}]`));
}

function parseOne(config: CredentialConfig, index: number, field: string): ParsedCredential {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw configError(field, 'must be an object', ALLOWED_FORMS);
  }
  const accessToken = secretField(config, 'accessToken', field);
  const email = identityField(config, 'email', field);
  const apiToken = secretField(config, 'apiToken', field);
  const username = identityField(config, 'username', field);
  const password = secretField(config, 'password', field);

  const given = [
    accessToken !== undefined ? 'accessToken' : undefined,
    email !== undefined || apiToken !== undefined ? 'apiToken' : undefined,
    username !== undefined || password !== undefined ? 'password' : undefined,
  ].filter((name) => name !== undefined);
  if (given.length === 0) throw configError(field, 'no credential given', ALLOWED_FORMS);
  if (given.length > 1) {
    // Name a field of the second form found, which is where the mix-up shows.
    const second = given[1] === 'apiToken' ? (apiToken !== undefined ? 'apiToken' : 'email') : password !== undefined ? 'password' : 'username';
    throw configError(`${field}.${second}`, `give exactly one kind of credential, not ${given.join(' and ')}`, ALLOWED_FORMS);
  }

  const common = {
    index,
    label: labelField(config, field) ?? `credential #${index}`,
    streams: listField(config, 'streams', field),
    repositories: listField(config, 'repositories', field),
    requestsPerHour: rateField(config, field),
  };
  if (accessToken !== undefined) return new ParsedCredential({ ...common, form: 'access_token', secret: accessToken });
  if (email !== undefined || apiToken !== undefined) {
    if (apiToken === undefined) throw configError(`${field}.apiToken`, 'missing: an email needs an API token', '{ email, apiToken }');
    if (email === undefined) {
      throw configError(`${field}.email`, 'missing: an API token is sent with the Atlassian account email as username', '{ email, apiToken }');
    }
    return new ParsedCredential({ ...common, form: 'api_token', secret: apiToken, username: email });
  }
  if (password === undefined) throw configError(`${field}.password`, 'missing: a username needs a password or personal access token', '{ username, password }');
  if (username === undefined) throw configError(`${field}.username`, 'missing: a password needs a username', '{ username, password }');
  return new ParsedCredential({ ...common, form: 'password', secret: password, username });
}

/** A secret: a non-empty string; surrounding whitespace (a trailing newline from a file) is dropped. */
function secretField(config: CredentialConfig, key: 'accessToken' | 'apiToken' | 'password', field: string): string | undefined {
  const value: unknown = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw configError(`${field}.${key}`, 'must be a string', 'a non-empty string');
  const trimmed = value.trim();
  if (trimmed === '') throw configError(`${field}.${key}`, 'is empty (an unset secret?)', 'a non-empty string');
  // Never echo the value: it is a secret.
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw configError(`${field}.${key}`, 'contains control characters', 'a token without line breaks');
  return trimmed;
}

function identityField(config: CredentialConfig, key: 'email' | 'username', field: string): string | undefined {
  const value: unknown = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw configError(`${field}.${key}`, 'must be a string', 'a non-empty string');
  const trimmed = value.trim();
  if (trimmed === '') throw configError(`${field}.${key}`, 'is empty', 'a non-empty string');
  // RFC 7617: the user-id of Basic auth cannot contain a colon.
  if (trimmed.includes(':')) throw configError(`${field}.${key}`, 'must not contain ":"', 'a user name or email without ":"');
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw configError(`${field}.${key}`, 'contains control characters', 'a user name or email');
  return trimmed;
}

function labelField(config: CredentialConfig, field: string): string | undefined {
  const value: unknown = config.label;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw configError(`${field}.label`, 'must be a non-empty string', 'a name for logs');
  return value.trim();
}

function listField(config: CredentialConfig, key: 'streams' | 'repositories', field: string): readonly string[] | undefined {
  const value: unknown = config[key];
  if (value === undefined || value === null) return undefined;
  const allowed = key === 'streams' ? 'a list of stream names' : 'a list of repository names or glob patterns';
  if (!Array.isArray(value) || value.length === 0) throw configError(`${field}.${key}`, 'must be a non-empty list', allowed);
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'string' || item.trim() === '') throw configError(`${field}.${key}[${i}]`, 'must be a non-empty string', allowed);
  });
  return Object.freeze((value as string[]).map((item) => item.trim()));
}

function rateField(config: CredentialConfig, field: string): number | undefined {
  const value: unknown = config.requestsPerHour;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw configError(`${field}.requestsPerHour`, 'must be a positive whole number', 'an integer >= 1');
  }
  return value;
}
