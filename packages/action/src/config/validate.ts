/**
 * Validates a raw configuration (file merged with inputs or flags) into a {@link SyncConfig}. Every problem is
 * reported at once, each naming its field (or the action input / CLI flag it came from) and what is allowed.
 */
import { statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BbsyncError, Redactor, type CredentialConfig, type RunStatus, type ShardSpec } from '@bbsync/core';
import { configSchema, SHARD_PATTERN, type CredentialInput, type RawConfig } from './schema.js';
import { problemsFromZod, showValue, type ConfigProblem } from './issues.js';

export const DEFAULT_CLOUD_BASE_URL = 'https://api.bitbucket.org/2.0';
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_MAX_RATE_LIMIT_WAIT_MINUTES = 10;
export const DEFAULT_ARTIFACT_NAME = 'bbsync';
export const DEFAULT_CACHE_KEY_PREFIX = 'bbsync-v1';
export const DEFAULT_FAIL_ON = 'partial';

/** Which run statuses fail the step / exit non-zero: `partial` fails partial and failed runs, `failed` only failed ones. */
export type FailOn = 'failed' | 'partial' | 'never';

/** The validated configuration everything else runs on. */
export interface SyncConfig {
  readonly source: 'cloud' | 'datacenter';
  /** The `cloud` section, with the connector's advanced settings passed through. */
  readonly cloud?: { readonly workspace: string; readonly baseUrl: string; readonly [setting: string]: unknown } | undefined;
  /** The `datacenter` section, with the connector's advanced settings passed through. */
  readonly datacenter?:
    | { readonly baseUrl: string; readonly projects?: readonly string[] | undefined; readonly caCertificates?: string | undefined; readonly [setting: string]: unknown }
    | undefined;
  /** Resolved credentials (environment references replaced). Never serialize this object. */
  readonly credentials: readonly CredentialConfig[];
  readonly repositories: { readonly include?: readonly string[] | undefined; readonly exclude?: readonly string[] | undefined; readonly only?: readonly string[] | undefined };
  /** Selected output streams; undefined = all. */
  readonly streams?: readonly string[] | undefined;
  /** Where a first sync starts, when bounded. */
  readonly startDate?: Date | undefined;
  readonly concurrency: number;
  readonly budgets: { readonly maxRequests?: number | undefined; readonly maxMinutes?: number | undefined };
  readonly maxRateLimitWaitMinutes: number;
  /** Which run statuses fail the step or exit non-zero. @default 'partial' */
  readonly failOn: FailOn;
  readonly artifact: { readonly name: string; readonly retentionDays?: number | undefined };
  readonly cacheKeyPrefix: string;
  readonly shard?: ShardSpec | undefined;
  readonly output: { readonly dir?: string | undefined; readonly stateDir?: string | undefined };
}

export interface ValidateOptions {
  /** Output stream names per source, to reject unknown streams. */
  readonly knownStreams?: Readonly<Partial<Record<'cloud' | 'datacenter', readonly string[]>>> | undefined;
  /** How to name a config field in messages (e.g. `budgets.maxRequests` -> `input "max-requests"`). */
  readonly fieldLabels?: Readonly<Record<string, string>> | undefined;
  /** Environment for `$NAME` references in credentials. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** "now" for lookbackDays and the future-date check. @default Date.now() */
  readonly now?: number | undefined;
}

/** A config error carrying every problem; its message lists them one per line. */
export class ConfigProblems extends BbsyncError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[], labels: Readonly<Record<string, string>> = {}) {
    const lines = problems.map((p) => formatProblem(p, labels));
    super('config_error', lines.join('\n'), {
      field: problems[0]?.field,
      hint: 'Fix the configuration values named above (see packages/action/schemas/config.schema.json).',
    });
    this.problems = problems;
  }
}

/** `field: problem (allowed: ...)`, with the field shown as the input or flag it came from when known. */
export function formatProblem(problem: ConfigProblem, labels: Readonly<Record<string, string>> = {}): string {
  let name = problem.field;
  // The longest labelled prefix names the field: `credentials[1].accessToken` -> `input "access-token".accessToken`.
  for (let prefix = problem.field; prefix !== ''; prefix = prefix.replace(/(\.[^.[\]]*|\[\d+\])$/, '')) {
    // Own properties only: a field named `__proto__` or `constructor` must not find Object.prototype's.
    const label = Object.hasOwn(labels, prefix) ? labels[prefix] : undefined;
    if (label !== undefined) {
      const rest = problem.field.slice(prefix.length);
      name = rest === '' ? label : `${label} (${problem.field})`;
      break;
    }
    if (!/(\.[^.[\]]*|\[\d+\])$/.test(prefix)) break;
  }
  return problem.allowed ? `${name}: ${problem.problem} (allowed: ${problem.allowed})` : `${name}: ${problem.problem}`;
}

const ENV_REFERENCE = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/;
const CREDENTIAL_FORMS = 'exactly one of accessToken, email + apiToken, username + password';

/** Parses and validates; throws {@link ConfigProblems} (a `config_error`) listing every problem. */
export function validateConfig(raw: unknown, options: ValidateOptions = {}): SyncConfig {
  const labels = options.fieldLabels ?? {};
  const env = options.env ?? process.env;
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigProblems(redactProblems(problemsFromZod(parsed.error, raw, configSchema), raw, env), labels);
  const config = parsed.data;
  const problems: ConfigProblem[] = [];
  const now = options.now ?? Date.now();

  const cloud = config.source === 'cloud' ? checkCloud(config, problems) : undefined;
  const datacenter = config.source === 'datacenter' ? checkDataCenter(config, problems) : undefined;
  const credentials = checkCredentials(config.credentials, env, problems);
  const shard = config.shard === undefined ? undefined : parseShard(config.shard, problems);
  const startDate = checkStart(config, now, problems);
  if (config.output?.dir !== undefined) checkFolder(config.output.dir, 'output.dir', problems);
  if (config.output?.stateDir !== undefined) checkFolder(config.output.stateDir, 'output.stateDir', problems);

  const known = options.knownStreams?.[config.source];
  if (known) {
    checkStreams(config.streams, 'streams', known, config.source, problems);
    config.credentials?.forEach((credential, index) => checkStreams(credential.streams, `credentials[${index}].streams`, known, config.source, problems));
  }
  if (problems.length > 0) throw new ConfigProblems(redactProblems(problems, raw, env), labels);

  return {
    source: config.source,
    cloud,
    datacenter,
    credentials,
    repositories: { include: config.repositories?.include, exclude: config.repositories?.exclude, only: config.repositories?.only },
    streams: config.streams,
    startDate,
    concurrency: config.concurrency ?? DEFAULT_CONCURRENCY,
    budgets: { maxRequests: config.budgets?.maxRequests, maxMinutes: config.budgets?.maxMinutes },
    maxRateLimitWaitMinutes: config.maxRateLimitWaitMinutes ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MINUTES,
    failOn: config.failOn ?? DEFAULT_FAIL_ON,
    artifact: { name: config.artifact?.name ?? DEFAULT_ARTIFACT_NAME, retentionDays: config.artifact?.retentionDays },
    cacheKeyPrefix: config.cacheKeyPrefix ?? DEFAULT_CACHE_KEY_PREFIX,
    shard,
    output: { dir: config.output?.dir, stateDir: config.output?.stateDir },
  };
}

/** True when a run of `status` fails the step (the action) or exits non-zero (the CLI) under `failOn`. */
export function failsRun(status: RunStatus, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return status === 'failed' || (failOn === 'partial' && status === 'partial');
}

/** The credential fields whose values are secrets (email and username are not, but are never echoed either). */
const SECRET_CREDENTIAL_KEYS = ['accessToken', 'apiToken', 'password'] as const;

/** Secrets shorter than this are not redacted from messages: they would blank out ordinary words (and are never echoed). */
const MIN_REDACTED_SECRET_LENGTH = 4;

/**
 * Every configured secret of a raw config (before or after validation): the credential values, and the values of
 * the environment variables they name. Read defensively: the config may be malformed in any way.
 */
function configuredSecrets(raw: unknown, env: Readonly<Record<string, string | undefined>>): string[] {
  const list = typeof raw === 'object' && raw !== null ? (raw as { credentials?: unknown }).credentials : undefined;
  const secrets: string[] = [];
  for (const item of Array.isArray(list) ? list : []) {
    if (typeof item !== 'object' || item === null) continue;
    for (const key of SECRET_CREDENTIAL_KEYS) {
      const value = (item as Record<string, unknown>)[key];
      if (typeof value !== 'string') continue;
      secrets.push(value);
      const reference = ENV_REFERENCE.exec(value);
      const resolved = reference ? env[(reference[1] ?? reference[2]) as string] : undefined;
      if (resolved !== undefined) secrets.push(resolved);
    }
  }
  return secrets.filter((secret) => secret.length >= MIN_REDACTED_SECRET_LENGTH);
}

/** The problems with every configured secret (in every form) blanked out of their text. */
function redactProblems(problems: readonly ConfigProblem[], raw: unknown, env: Readonly<Record<string, string | undefined>>): ConfigProblem[] {
  const redactor = new Redactor();
  for (const secret of configuredSecrets(raw, env)) redactor.add(secret);
  if (redactor.size === 0) return [...problems];
  return problems.map((problem) => ({
    field: redactor.redact(problem.field),
    problem: redactor.redact(problem.problem),
    allowed: problem.allowed === undefined ? undefined : redactor.redact(problem.allowed),
  }));
}

function checkCloud(config: RawConfig, problems: ConfigProblem[]): SyncConfig['cloud'] {
  const workspace = config.cloud?.workspace;
  if (workspace === undefined) {
    problems.push({ field: 'cloud.workspace', problem: 'is required when source is cloud', allowed: 'a workspace slug, e.g. my-team' });
  }
  const baseUrl = config.cloud?.baseUrl ?? DEFAULT_CLOUD_BASE_URL;
  checkUrl(baseUrl, 'cloud.baseUrl', problems);
  return workspace === undefined ? undefined : { ...config.cloud, workspace, baseUrl };
}

function checkDataCenter(config: RawConfig, problems: ConfigProblem[]): SyncConfig['datacenter'] {
  const baseUrl = config.datacenter?.baseUrl;
  if (baseUrl === undefined) {
    problems.push({ field: 'datacenter.baseUrl', problem: 'is required when source is datacenter', allowed: 'the server URL, e.g. https://bitbucket.example.com' });
    return undefined;
  }
  checkUrl(baseUrl, 'datacenter.baseUrl', problems);
  return { ...config.datacenter, baseUrl };
}

/**
 * A base URL must be absolute http(s) without credentials, query or fragment. The value is never echoed whole: a
 * token pasted into a query (`?token=BBDC-...`), a fragment, the user info, or a URL too broken to parse could be
 * a secret. Messages show at most its scheme (when it is a short word, like `ftp` or a typo'd `htp`) or its
 * origin and path.
 */
export function checkUrl(value: string, field: string, problems: ConfigProblem[]): void {
  const allowed = 'an absolute https:// URL (http:// for a local server)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push({ field, problem: 'is not an absolute URL (the value is not shown: it may hold a secret)', allowed });
    return;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    const scheme = url.protocol.replace(/:$/, '');
    problems.push({ field, problem: /^[a-z]{1,8}$/.test(scheme) ? `has scheme ${scheme}` : 'has a scheme other than http or https', allowed });
  } else if (url.username !== '' || url.password !== '') {
    // Never echo it: the user info may be a credential.
    problems.push({ field, problem: 'contains user info (credentials in the URL)', allowed: `${allowed}; put credentials in the credential inputs` });
  } else if (url.search !== '' || url.hash !== '') {
    const parts = [url.search !== '' ? 'a query' : '', url.hash !== '' ? 'a fragment' : ''].filter(Boolean).join(' and ');
    problems.push({ field, problem: `${JSON.stringify(`${url.origin}${url.pathname}`)} has ${parts} (not shown)`, allowed: `${allowed} without ? or #` });
  }
}

/**
 * An output folder must be a folder, or creatable: the path itself, if it exists, and its nearest existing
 * ancestor must be directories. Checked here so that `output.dir: /etc/passwd` or `stateDir: /dev/null` is a
 * config error naming the field, before any request, rather than an ENOTDIR from deep inside the run.
 */
export function checkFolder(value: string, field: string, problems: ConfigProblem[]): void {
  const allowed = 'a folder, or a path where one can be created';
  if (value.trim() === '') {
    problems.push({ field, problem: 'is empty', allowed });
    return;
  }
  const target = resolve(value);
  for (let path = target; ; path = dirname(path)) {
    let stats: Stats | undefined;
    try {
      stats = statSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: some ancestor is a file; walking up finds and names it.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        problems.push({ field, problem: `${showValue(value, false)} cannot be used (${code ?? 'error'} on ${JSON.stringify(path)})`, allowed });
        return;
      }
    }
    if (stats !== undefined) {
      if (!stats.isDirectory()) {
        const what = path === target ? 'is not a folder' : `cannot be created: ${JSON.stringify(path)} is not a folder`;
        problems.push({ field, problem: `${showValue(value, false)} ${what}`, allowed });
      }
      return;
    }
    if (dirname(path) === path) return;
  }
}

function checkCredentials(list: readonly CredentialInput[] | undefined, env: Readonly<Record<string, string | undefined>>, problems: ConfigProblem[]): CredentialConfig[] {
  if (list === undefined || list.length === 0) {
    problems.push({
      field: 'credentials',
      problem: 'no credential given',
      allowed: 'at least one of access-token, email + api-token, username + password, or credentials',
    });
    return [];
  }
  return list.map((input, index) => {
    const field = `credentials[${index}]`;
    const resolve = (name: keyof CredentialInput): string | undefined => {
      const value = input[name];
      if (typeof value !== 'string') return undefined;
      const match = ENV_REFERENCE.exec(value);
      if (!match) return value;
      const variable = (match[1] ?? match[2]) as string;
      const resolved = env[variable];
      if (resolved === undefined || resolved === '') {
        problems.push({ field: `${field}.${name}`, problem: `environment variable ${variable} is not set or empty` });
        return undefined;
      }
      return resolved;
    };
    const credential: CredentialConfig = {
      accessToken: resolve('accessToken'),
      email: resolve('email'),
      apiToken: resolve('apiToken'),
      username: resolve('username'),
      password: resolve('password'),
      label: input.label,
      streams: input.streams,
      repositories: input.repositories,
      requestsPerHour: input.requestsPerHour,
    };
    const present = (['accessToken', 'email', 'apiToken', 'username', 'password'] as const).filter((key) => input[key] !== undefined);
    const forms = [present.includes('accessToken'), present.includes('email') || present.includes('apiToken'), present.includes('username') || present.includes('password')].filter(Boolean).length;
    if (present.length === 0) {
      problems.push({ field, problem: 'has no secret', allowed: CREDENTIAL_FORMS });
    } else if (forms > 1) {
      problems.push({ field, problem: `mixes ${present.join(' and ')}`, allowed: CREDENTIAL_FORMS });
    } else if (present.includes('email') !== present.includes('apiToken')) {
      problems.push({ field, problem: `has ${present.join(' and ')} only`, allowed: 'email together with apiToken' });
    } else if (present.includes('username') !== present.includes('password')) {
      problems.push({ field, problem: `has ${present.join(' and ')} only`, allowed: 'username together with password' });
    }
    for (const key of present) {
      if (input[key] === '') problems.push({ field: `${field}.${key}`, problem: 'is empty', allowed: 'a non-empty secret (is the secret defined in this repository?)' });
    }
    return credential;
  });
}

/** Parses `i/n`; pushes a problem (and returns undefined) when malformed. */
export function parseShard(value: string, problems: ConfigProblem[], field = 'shard'): ShardSpec | undefined {
  const match = SHARD_PATTERN.exec(value.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || index < 1 || count < 1 || index > count) {
    problems.push({ field, problem: `${showValue(value, false)} is not valid`, allowed: 'i/n with 1 <= i <= n' });
    return undefined;
  }
  return { index, count };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function checkStart(config: RawConfig, now: number, problems: ConfigProblem[]): Date | undefined {
  if (config.startDate !== undefined && config.lookbackDays !== undefined) {
    problems.push({ field: 'startDate', problem: 'is set together with lookbackDays', allowed: 'one of startDate or lookbackDays' });
    return undefined;
  }
  if (config.lookbackDays !== undefined) return new Date(now - config.lookbackDays * 86_400_000);
  if (config.startDate === undefined) return undefined;
  const allowed = 'an ISO 8601 date (YYYY-MM-DD) or date-time, not in the future';
  const date = new Date(config.startDate.length === 10 ? `${config.startDate}T00:00:00Z` : config.startDate);
  if (!ISO_DATE.test(config.startDate) || Number.isNaN(date.getTime())) {
    problems.push({ field: 'startDate', problem: `${showValue(config.startDate, false)} is not a valid date`, allowed });
    return undefined;
  }
  if (date.getTime() > now) {
    problems.push({ field: 'startDate', problem: `${showValue(config.startDate, false)} is in the future`, allowed });
    return undefined;
  }
  return date;
}

function checkStreams(streams: readonly string[] | undefined, field: string, known: readonly string[], source: string, problems: ConfigProblem[]): void {
  streams?.forEach((stream, index) => {
    if (!known.includes(stream)) {
      problems.push({ field: `${field}[${index}]`, problem: `${showValue(stream, false)} is not a ${source} stream`, allowed: known.join(', ') });
    }
  });
}
