/**
 * The settings that can be given as action inputs or CLI flags (same kebab-case names), and how each maps onto
 * the config file's fields. Values given this way override the config file.
 */
import type { ConfigProblem } from './issues.js';
import { parseCredentialsText } from './credentials-text.js';
import type { CredentialInput } from './schema.js';

type Kind = 'string' | 'list' | 'number';

export interface OptionSpec {
  /** Input / flag name. */
  readonly name: string;
  /** Config path; `baseUrl` is placed under the effective source. */
  readonly path: readonly string[] | 'base-url';
  readonly kind: Kind;
  readonly description: string;
}

/** Every setting that is not a credential. */
export const SETTING_OPTIONS: readonly OptionSpec[] = [
  { name: 'source', path: ['source'], kind: 'string', description: '`cloud` or `datacenter`.' },
  { name: 'workspace', path: ['cloud', 'workspace'], kind: 'string', description: 'Cloud workspace slug.' },
  { name: 'base-url', path: 'base-url', kind: 'string', description: 'API base URL (Cloud default https://api.bitbucket.org/2.0; Data Center: the server URL).' },
  { name: 'projects', path: ['datacenter', 'projects'], kind: 'list', description: 'Data Center project keys (comma or newline separated).' },
  { name: 'ca-certificates', path: ['datacenter', 'caCertificates'], kind: 'string', description: 'Data Center: PEM CA bundle or a path to one.' },
  { name: 'repositories', path: ['repositories', 'include'], kind: 'list', description: 'Repositories to include (globs, comma or newline separated).' },
  { name: 'exclude-repositories', path: ['repositories', 'exclude'], kind: 'list', description: 'Repositories to exclude (globs).' },
  { name: 'only-repositories', path: ['repositories', 'only'], kind: 'list', description: 'Targeted sync: only these exact repository names.' },
  { name: 'streams', path: ['streams'], kind: 'list', description: 'Output streams to sync (default: all).' },
  { name: 'start-date', path: ['startDate'], kind: 'string', description: 'First sync: ignore data before this ISO date.' },
  { name: 'lookback-days', path: ['lookbackDays'], kind: 'number', description: 'First sync: ignore data older than this many days.' },
  { name: 'concurrency', path: ['concurrency'], kind: 'number', description: 'Repositories read at once (1-32, default 4).' },
  { name: 'max-requests', path: ['budgets', 'maxRequests'], kind: 'number', description: 'Stop gracefully after this many requests.' },
  { name: 'max-minutes', path: ['budgets', 'maxMinutes'], kind: 'number', description: 'Stop gracefully after this many minutes.' },
  { name: 'fail-on', path: ['failOn'], kind: 'string', description: 'Run statuses that fail: `partial` (default: partial or failed), `failed`, or `never`.' },
  { name: 'max-rate-limit-wait-minutes', path: ['maxRateLimitWaitMinutes'], kind: 'number', description: 'Longest rate-limit wait before stopping gracefully (default 10).' },
  { name: 'artifact-name', path: ['artifact', 'name'], kind: 'string', description: 'Artifact name (default bbsync).' },
  { name: 'retention-days', path: ['artifact', 'retentionDays'], kind: 'number', description: 'Artifact retention in days.' },
  { name: 'cache-key-prefix', path: ['cacheKeyPrefix'], kind: 'string', description: 'Cursor cache key prefix (default bbsync-v1).' },
  { name: 'shard', path: ['shard'], kind: 'string', description: '`i/n`: this job syncs slice i of n.' },
  { name: 'output-dir', path: ['output', 'dir'], kind: 'string', description: 'Folder for run folders.' },
  { name: 'state-dir', path: ['output', 'stateDir'], kind: 'string', description: 'Folder for cursor state.' },
];

/** Credential inputs / flags. Their values are secrets: mask them before anything else. */
export const CREDENTIAL_OPTIONS = ['credentials', 'access-token', 'email', 'api-token', 'username', 'password'] as const;
export type CredentialOptionName = (typeof CREDENTIAL_OPTIONS)[number];

export interface Overrides {
  /** A partial config to merge over the file's. */
  readonly config: Record<string, unknown>;
  /** Config field -> how to name it in messages. */
  readonly labels: Record<string, string>;
}

/**
 * Builds the overrides from input / flag values (missing or empty = not given). `name` renders an option's
 * name for messages, e.g. `input "max-requests"` or `--max-requests`.
 */
export function buildOverrides(
  values: Readonly<Record<string, string | undefined>>,
  fileConfig: Readonly<Record<string, unknown>>,
  name: (option: string) => string,
  problems: ConfigProblem[],
): Overrides {
  const config: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  const source = nonEmpty(values.source) ?? (typeof fileConfig.source === 'string' ? fileConfig.source : undefined);
  for (const option of SETTING_OPTIONS) {
    const raw = nonEmpty(values[option.name]);
    if (raw === undefined) continue;
    const path = option.path === 'base-url' ? [source === 'datacenter' ? 'datacenter' : 'cloud', 'baseUrl'] : option.path;
    setPath(config, path, convert(raw, option.kind));
    labels[path.join('.')] = name(option.name);
  }

  const credentials: CredentialInput[] = [];
  const text = nonEmpty(values.credentials);
  if (text !== undefined) {
    const parsed = parseCredentialsText(text, name('credentials'), problems);
    parsed.forEach((_, i) => (labels[`credentials[${credentials.length + i}]`] = `${name('credentials')}[${i}]`));
    credentials.push(...parsed);
  }
  const accessToken = nonEmpty(values['access-token']);
  if (accessToken !== undefined) {
    labels[`credentials[${credentials.length}]`] = name('access-token');
    credentials.push({ accessToken });
  }
  const email = nonEmpty(values.email);
  const apiToken = nonEmpty(values['api-token']);
  if (email !== undefined || apiToken !== undefined) {
    labels[`credentials[${credentials.length}]`] = `${name('email')} + ${name('api-token')}`;
    credentials.push({ email, apiToken });
  }
  const username = nonEmpty(values.username);
  const password = nonEmpty(values.password);
  if (username !== undefined || password !== undefined) {
    labels[`credentials[${credentials.length}]`] = `${name('username')} + ${name('password')}`;
    credentials.push({ username, password });
  }
  if (credentials.length > 0) config.credentials = credentials;
  return { config, labels };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function convert(raw: string, kind: Kind): unknown {
  if (kind === 'list') return raw.split(/[\n,]/).map((item) => item.trim()).filter((item) => item !== '');
  // Leave a non-number as text: the schema then rejects it naming the input.
  if (kind === 'number') return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  return raw;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  path.slice(0, -1).forEach((key) => {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
  node[path[path.length - 1] as string] = value;
}

/** Deep-merges plain objects; `over` wins; lists are replaced, not concatenated. */
export function mergeConfig(base: Readonly<Record<string, unknown>>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeConfig(current, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
