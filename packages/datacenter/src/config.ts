/**
 * The Bitbucket Data Center connector's settings (everything but credentials) and their validation.
 * Plain TypeScript checks: every problem is a `config_error` naming the field and what is allowed.
 */
import { configError, parseRepositoryFilter, type RepositoryFilter, booleanField, integerField, numberField } from '@bbsync/core';
import { parseDataCenterDeployments, type DataCenterDeploymentRule } from './deployments/rules.js';

/** The REST API paths a Data Center server answers on; `latest` resolves to `1.0` (DC REST narrative). */
export type DataCenterApiPath = 'rest/api/1.0' | 'rest/api/latest';

/** bbsync's client-side rate limit, mirroring Data Center's per-user token bucket. */
export interface DataCenterRateLimit {
  /**
   * Whether to pace requests client-side at all. Data Center's rate limiting is opt-in (an admin setting);
   * `false` never paces (a 429 is still honoured: Retry-After, else backoff). @default true
   */
  readonly enabled: boolean;
  /**
   * True when no rate limit was configured: no pacing until the server answers 429, then the rate it allows is
   * learned (additive increase, multiplicative decrease) instead of assuming the documented default bucket,
   * which would slow a server that has rate limiting off to 5 requests a second. Setting `rateLimit` (`true` or
   * `{ capacity, refillPerSecond }`) paces to that bucket from the first request instead. @default true
   */
  readonly adaptive: boolean;
  /** Bucket size: requests that may be sent in a burst ("bucket size 60" is Data Center's default). @default 60 */
  readonly capacity: number;
  /** Tokens added per second ("refill 5 tokens/s" is Data Center's default). @default 5 */
  readonly refillPerSecond: number;
}

/** Settings of the Bitbucket Data Center connector. */
export interface DataCenterConfig {
  /**
   * The server URL, including any context path, without a trailing slash: `https://bitbucket.example.com` or
   * `https://host/bitbucket`. A full API URL (`…/rest/api/1.0`, `…/rest/api/latest`) is accepted in the
   * configuration and split into this and {@link DataCenterConfig.apiPath}. Required.
   */
  readonly baseUrl: string;
  /** The API path below {@link DataCenterConfig.baseUrl}. @default 'rest/api/1.0' */
  readonly apiPath: DataCenterApiPath;
  /**
   * Project keys to sync (`PROJ`, or `~user` for a personal project), compared case-insensitively.
   * Empty: every project the credentials can see. @default []
   */
  readonly projects: readonly string[];
  /**
   * Which repositories to sync: glob patterns on `PROJECT/slug` (`*` within a segment, `**` across),
   * case-insensitive. A repository is synced when it matches an include pattern (or there are none) and no
   * exclude pattern. Partitions are keyed by the numeric repository id, so a rename or a move between
   * projects neither replays history nor loses the cursor.
   * @default { include: [], exclude: [] }
   */
  readonly repositories: RepositoryFilter;
  /** Client-side pacing: learned from 429s unless configured; `rateLimit: false` turns it off. @default {@link ADAPTIVE_RATE_LIMIT} */
  readonly rateLimit: DataCenterRateLimit;
  /**
   * A PEM CA bundle (a path to a file, or the PEM text) trusted in addition to Node's roots, for servers
   * behind a corporate or self-signed CA. There is deliberately no option to disable TLS verification.
   */
  readonly caCertificates: string | undefined;
  /**
   * How many of the newest default-branch commit ids (with their committer timestamps) each repository's
   * cursor keeps. When the last synced commit is gone (a force-push), the history is walked from the new tip
   * until one of these is found and the walk is older than the oldest of them; the ones not met again are
   * written as deletions. @default 200
   */
  readonly lookbackCommits: number;
  /**
   * After a force-push that left none of the known commits, never walk further back than this many days
   * before the oldest known commit. @default 30
   */
  readonly forcePushLookbackDays: number;
  /**
   * `limit` asked of every listing. Servers clamp it silently to their `page.max.*` settings (activities 500,
   * commits 100 by default), which is fine: pages are followed by `nextPageStart`. @default 1000
   */
  readonly pageSize: number;
  /**
   * Rules the `deployments` stream infers deployments by (README "Deployments"): tags matching a glob, merges
   * into a release branch. @default DEFAULT_DATA_CENTER_RULES (release tags `v*`, `release-*` → production)
   */
  readonly deployments: readonly DataCenterDeploymentRule[];
  /**
   * Users `pull_request_events` marks as bots besides service users (`type: SERVICE`): slugs, usernames,
   * display names or emails (case-insensitive). @default []
   */
  readonly bots: readonly string[];
}

export const DEFAULT_API_PATH: DataCenterApiPath = 'rest/api/1.0';
/** Data Center's documented default bucket, used when `rateLimit: true`. */
export const DEFAULT_RATE_LIMIT: DataCenterRateLimit = Object.freeze({ enabled: true, adaptive: false, capacity: 60, refillPerSecond: 5 });
/** What a configuration without `rateLimit` gets: learn the server's rate from its 429s. */
export const ADAPTIVE_RATE_LIMIT: DataCenterRateLimit = Object.freeze({ ...DEFAULT_RATE_LIMIT, adaptive: true });

const API_PATHS: readonly DataCenterApiPath[] = ['rest/api/1.0', 'rest/api/latest'];
const KNOWN_FIELDS = new Set([
  'baseUrl',
  'apiPath',
  'projects',
  'repositories',
  'rateLimit',
  'caCertificates',
  'lookbackCommits',
  'forcePushLookbackDays',
  'pageSize',
  'deployments',
  'bots',
  // Accepted and ignored: the engine handles them, and shared config files may carry them.
  'startDate',
  'credentials',
]);
const EXAMPLE_URL = '"https://bitbucket.example.com" or "https://host/bitbucket"';

/**
 * Validates raw settings into a {@link DataCenterConfig}, applying defaults. Throws `config_error` naming
 * the field (prefixed with `fieldPrefix`, e.g. `datacenter.baseUrl`) and what is allowed.
 */
export function parseDataCenterConfig(raw: unknown, fieldPrefix = ''): DataCenterConfig {
  const name = (field: string) => (fieldPrefix === '' ? field : `${fieldPrefix}.${field}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw configError(fieldPrefix === '' ? 'config' : fieldPrefix, 'must be an object', 'an object with at least "baseUrl"');
  }
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!KNOWN_FIELDS.has(key)) throw configError(name(key), 'is not a Bitbucket Data Center setting', [...KNOWN_FIELDS].join(', '));
  }
  const { serverUrl, apiPath } = parseServer(input.baseUrl, input.apiPath, name('baseUrl'), name('apiPath'));
  return {
    baseUrl: serverUrl,
    apiPath,
    projects: parseProjects(input.projects, name('projects')),
    repositories: parseRepositoryFilter(input.repositories, name('repositories'), '"PROJ/api-*"'),
    rateLimit: parseRateLimit(input.rateLimit, name('rateLimit')),
    caCertificates: optionalString(input.caCertificates, name('caCertificates'), 'a path to a PEM file, or PEM text'),
    lookbackCommits: integerField(input.lookbackCommits, name('lookbackCommits'), 200, 1, 10_000),
    forcePushLookbackDays: numberField(input.forcePushLookbackDays, name('forcePushLookbackDays'), 30, 0, 3650),
    pageSize: integerField(input.pageSize, name('pageSize'), 1000, 1, 10_000),
    deployments: parseDataCenterDeployments(input.deployments, name('deployments')),
    bots: parseBots(input.bots, name('bots')),
  };
}

/** The API base the client is built on: server URL + API path (`https://host/bitbucket/rest/api/1.0`). */
export function apiBaseUrl(config: Pick<DataCenterConfig, 'baseUrl' | 'apiPath'>): string {
  return `${config.baseUrl}/${config.apiPath}`;
}

/**
 * Splits `baseUrl` into the server URL and the API path. A URL ending in `/rest/api/1.0` or `/rest/api/latest`
 * is a full API URL; `apiPath`, when given as well, must then agree with it. A URL ending in `/rest` or
 * `/rest/api` is refused: it is neither a server URL nor an API URL, and guessing could send requests to
 * the wrong place.
 */
function parseServer(
  value: unknown,
  apiPathValue: unknown,
  field: string,
  apiPathField: string,
): { serverUrl: string; apiPath: DataCenterApiPath } {
  if (value === undefined) throw configError(field, 'is required', `the server URL, e.g. ${EXAMPLE_URL}`);
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value.trim()) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw configError(field, 'must be an http(s) URL', `e.g. ${EXAMPLE_URL}`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    // Credentials in a URL would be logged with it; a query or fragment would be lost on every path join.
    throw configError(field, 'must not carry user info, a query or a fragment', `e.g. ${EXAMPLE_URL}`);
  }
  const configuredApiPath = apiPathValue === undefined ? undefined : parseApiPath(apiPathValue, apiPathField);
  let path = url.pathname.replace(/\/+$/, '');
  const match = /\/(rest\/api\/(?:1\.0|latest))$/i.exec(path);
  let apiPath: DataCenterApiPath = configuredApiPath ?? DEFAULT_API_PATH;
  if (match?.[1] !== undefined) {
    const fromUrl = match[1].toLowerCase() as DataCenterApiPath;
    if (configuredApiPath !== undefined && configuredApiPath !== fromUrl) {
      throw configError(field, `ends in /${fromUrl} but ${apiPathField} is "${configuredApiPath}"`, 'the server URL alone, or an apiPath that matches');
    }
    apiPath = fromUrl;
    path = path.slice(0, path.length - match[0].length);
  } else if (/\/rest(\/api)?$/i.test(path)) {
    throw configError(field, 'ends in /rest or /rest/api, which is neither the server URL nor a full API URL', `the server URL (${EXAMPLE_URL}) or ".../rest/api/1.0"`);
  }
  return { serverUrl: `${url.origin}${path}`, apiPath };
}

function parseApiPath(value: unknown, field: string): DataCenterApiPath {
  const normalized = typeof value === 'string' ? value.trim().replace(/^\/+|\/+$/g, '').toLowerCase() : undefined;
  if (normalized === undefined || !(API_PATHS as readonly string[]).includes(normalized)) {
    throw configError(field, 'is not a Data Center REST API path', API_PATHS.join(', '));
  }
  return normalized as DataCenterApiPath;
}

function parseProjects(value: unknown, field: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw configError(field, 'must be a list of project keys', 'e.g. ["PROJ", "~jdoe"]');
  return value.map((key: unknown, index) => {
    if (typeof key !== 'string' || !/^~?[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(key.trim())) {
      throw configError(`${field}[${index}]`, 'is not a project key', 'letters, digits, "_", "-" and "." (a leading "~" for a personal project)');
    }
    return key.trim();
  });
}

function parseRateLimit(value: unknown, field: string): DataCenterRateLimit {
  if (value === undefined) return ADAPTIVE_RATE_LIMIT;
  if (value === true) return DEFAULT_RATE_LIMIT;
  if (value === false) return { ...DEFAULT_RATE_LIMIT, enabled: false };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw configError(field, 'must be a boolean or an object', 'false, true, or { enabled?, capacity?, refillPerSecond? }');
  }
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (key !== 'enabled' && key !== 'capacity' && key !== 'refillPerSecond') {
      throw configError(`${field}.${key}`, 'is not a rate-limit setting', 'enabled, capacity, refillPerSecond');
    }
  }
  return {
    enabled: booleanField(input.enabled, `${field}.enabled`, true),
    adaptive: false,
    capacity: integerField(input.capacity, `${field}.capacity`, DEFAULT_RATE_LIMIT.capacity, 1, 1_000_000),
    refillPerSecond: numberField(input.refillPerSecond, `${field}.refillPerSecond`, DEFAULT_RATE_LIMIT.refillPerSecond, 0.001, 1_000_000),
  };
}

function optionalString(value: unknown, field: string, allowed: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw configError(field, 'must be a non-empty string', allowed);
  return value;
}

function parseBots(value: unknown, field: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.trim() === '')) {
    throw configError(field, 'must be a list of user names', 'non-empty strings: slugs, usernames, display names or emails, e.g. ["jenkins", "renovate-bot"]');
  }
  return value as string[];
}
