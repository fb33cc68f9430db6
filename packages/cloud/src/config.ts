/**
 * The Bitbucket Cloud connector's settings (everything but credentials) and their validation.
 * Plain TypeScript checks: every problem is a `config_error` naming the field and what is allowed.
 */
import { configError, parseRepositoryFilter, type RepositoryFilter, booleanField, integerField, numberField } from '@bbsync/core';
import { parseDeploymentSettings, type DeploymentSettings } from './deployments/rules.js';

/** What bumps a repository's `updated_on` on your Bitbucket (decides what the idle gate may skip). */
export type RepositoryUpdatedOnBumpedBy = 'pushes' | 'pushes_and_pull_requests' | 'nothing';

/** Page sizes per listing; each must be within what Bitbucket accepts for that endpoint. */
export interface CloudPageSizes {
  /** `/repositories/{ws}` (documented maximum 100). @default 100 */
  readonly repositories: number;
  /** `/workspaces/{ws}/members` (default 50, maximum undocumented; a 400 makes bbsync retry with 50). @default 100 */
  readonly members: number;
  /** `/pullrequests` ("with values greater than 50 the API returns HTTP 400"). @default 50 */
  readonly pullRequests: number;
  /** `/pullrequests/activity` and `/pullrequests/{id}/activity` ("limited to 50"). @default 50 */
  readonly activity: number;
  /** `/pullrequests/{id}/comments` (maximum undocumented; a 400 makes bbsync retry with 50). @default 100 */
  readonly comments: number;
  /** `/commits` and `/pullrequests/{id}/commits` (maximum undocumented; a 400 makes bbsync retry with 50). @default 100 */
  readonly commits: number;
  /** `/pipelines` (spec: `pagelen` at most 100). @default 100 */
  readonly pipelines: number;
}

/** Settings of the Bitbucket Cloud connector. */
export interface CloudConfig {
  /** The workspace ID (slug) to sync, e.g. `my-team`. Required. */
  readonly workspace: string;
  /** The REST 2.0 API base. Must be an http(s) URL. @default 'https://api.bitbucket.org/2.0' */
  readonly baseUrl: string;
  /**
   * Which repositories to sync: glob patterns on `workspace/slug` (`*` within a segment, `**` across).
   * A repository is synced when it matches an include pattern (or there are none) and no exclude pattern.
   * Partitions are keyed by repository UUID, so a rename neither replays history nor loses the cursor.
   * @default { include: [], exclude: [] }
   */
  readonly repositories: RepositoryFilter;
  /**
   * Pull requests are listed with `q=updated_on > <cursor − overlap>`: the overlap absorbs clock skew and
   * writes that commit late on Bitbucket's side. Re-read rows are harmless (records are keyed). @default 5
   */
  readonly pullRequestOverlapMinutes: number;
  /**
   * What bumps a repository's `updated_on`, which is free in the repository listing and gates work:
   * - `pushes` (Bitbucket's observed behaviour): default-branch commits are skipped while `updated_on` is unchanged.
   * - `pushes_and_pull_requests`: the pull request listing is skipped too (what bumps a pull request's
   *   `updated_on` bumps the repository's); the activity feed is still read, unless
   *   `activityBumpsPullRequestUpdatedOn` is also true: then pull requests are skipped entirely.
   * - `nothing`: no idle gate; every repository is checked every run.
   * @default 'pushes'
   */
  readonly repositoryUpdatedOnBumpedBy: RepositoryUpdatedOnBumpedBy;
  /**
   * True only if you know that comments, approvals and change requests bump a pull request's `updated_on`
   * (UNVERIFIED on Bitbucket Cloud). When false, the repository-wide activity feed
   * (`/pullrequests/activity`, one request per repository and run) finds pull requests with new activity.
   * @default false
   */
  readonly activityBumpsPullRequestUpdatedOn: boolean;
  /**
   * True only if you know that every change of a pull request (edits, pushes, reviewers, merges, tasks…)
   * appears in the repository-wide activity feed: then, when the feed shows nothing new, the pull request
   * listing is not requested at all (a repository where nothing changed then costs 2 requests: the feed and
   * the pipelines page). Ignored when `activityBumpsPullRequestUpdatedOn` is true (the feed is not read).
   * Not true where withdrawing an approval bumps the pull request's `updated_on`: a withdrawal leaves no feed
   * item (Bitbucket drops the approval from the log), so only the listing would show it.
   * @default false
   */
  readonly activityFeedCoversPullRequestUpdates: boolean;
  /**
   * Whether the repository-wide activity feed is newest first (it is on Bitbucket Cloud, undocumented).
   * When false, the feed is read to its end every run instead of stopping at the cursor. @default true
   */
  readonly activityFeedNewestFirst: boolean;
  /**
   * Ask for members' email addresses (`fields=+values.user.email`). Bitbucket only returns them to
   * workspace admins, integrations and workspace access tokens; other credentials get no `email`. @default true
   */
  readonly memberEmails: boolean;
  /**
   * How many of the newest default-branch commit hashes each repository's cursor keeps, so that a
   * force-push (the previous head is gone) is recovered by walking from the new head to known commits. @default 300
   */
  readonly knownCommits: number;
  /** After a force-push, never walk further back than this many days before the oldest known commit. @default 30 */
  readonly forcePushLookbackDays: number;
  /** Page sizes (items per request), per listing. Larger pages mean fewer requests. */
  readonly pageSizes: CloudPageSizes;
  /**
   * How the `deployments` stream infers deployments from pipelines where the Deployments API has none
   * (README "Deployments"). @default { rules: DEFAULT_DEPLOYMENT_RULES, everyDefaultBranchPipeline: false }
   */
  readonly deployments: DeploymentSettings;
  /**
   * Accounts `pull_request_events` marks as bots besides those Bitbucket types as `app_user`: user uuids,
   * account ids, nicknames or display names (case-insensitive). @default []
   */
  readonly bots: readonly string[];
}

/** The documented (or safely observed) page-size maxima bbsync uses by default. */
export const DEFAULT_PAGE_SIZES: CloudPageSizes = Object.freeze({
  repositories: 100,
  members: 100,
  pullRequests: 50,
  activity: 50,
  comments: 100,
  commits: 100,
  pipelines: 100,
});

export const DEFAULT_BASE_URL = 'https://api.bitbucket.org/2.0';

const BUMPED_BY: readonly RepositoryUpdatedOnBumpedBy[] = ['pushes', 'pushes_and_pull_requests', 'nothing'];
const KNOWN_FIELDS = new Set([
  'workspace',
  'baseUrl',
  'repositories',
  'pullRequestOverlapMinutes',
  'repositoryUpdatedOnBumpedBy',
  'activityBumpsPullRequestUpdatedOn',
  'activityFeedNewestFirst',
  'activityFeedCoversPullRequestUpdates',
  'memberEmails',
  'knownCommits',
  'forcePushLookbackDays',
  'pageSizes',
  'deployments',
  'bots',
  // Accepted and ignored: the engine handles them, and shared config files may carry them.
  'startDate',
  'credentials',
]);

/**
 * Validates raw settings into a {@link CloudConfig}, applying defaults. Throws `config_error` naming the
 * field (prefixed with `fieldPrefix`, e.g. `cloud.workspace`) and what is allowed.
 */
export function parseCloudConfig(raw: unknown, fieldPrefix = ''): CloudConfig {
  const name = (field: string) => (fieldPrefix === '' ? field : `${fieldPrefix}.${field}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw configError(fieldPrefix === '' ? 'config' : fieldPrefix, 'must be an object', 'an object with at least "workspace"');
  }
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!KNOWN_FIELDS.has(key)) throw configError(name(key), 'is not a Bitbucket Cloud setting', [...KNOWN_FIELDS].join(', '));
  }

  const workspace = input.workspace;
  if (typeof workspace !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(workspace)) {
    throw configError(name('workspace'), 'is required and must be a workspace ID (slug)', 'letters, digits, "-", "_" and "." e.g. "my-team"');
  }

  return {
    workspace,
    baseUrl: parseBaseUrl(input.baseUrl, name('baseUrl')),
    repositories: parseRepositoryFilter(input.repositories, name('repositories'), '"my-team/api-*"'),
    pullRequestOverlapMinutes: numberField(input.pullRequestOverlapMinutes, name('pullRequestOverlapMinutes'), 5, 0, 1440),
    repositoryUpdatedOnBumpedBy: oneOf(input.repositoryUpdatedOnBumpedBy, name('repositoryUpdatedOnBumpedBy'), BUMPED_BY, 'pushes'),
    activityBumpsPullRequestUpdatedOn: booleanField(input.activityBumpsPullRequestUpdatedOn, name('activityBumpsPullRequestUpdatedOn'), false),
    activityFeedNewestFirst: booleanField(input.activityFeedNewestFirst, name('activityFeedNewestFirst'), true),
    activityFeedCoversPullRequestUpdates: booleanField(input.activityFeedCoversPullRequestUpdates, name('activityFeedCoversPullRequestUpdates'), false),
    memberEmails: booleanField(input.memberEmails, name('memberEmails'), true),
    knownCommits: integerField(input.knownCommits, name('knownCommits'), 300, 1, 10_000),
    forcePushLookbackDays: numberField(input.forcePushLookbackDays, name('forcePushLookbackDays'), 30, 0, 3650),
    pageSizes: parsePageSizes(input.pageSizes, name('pageSizes')),
    deployments: parseDeploymentSettings(input.deployments, name('deployments')),
    bots: parseBots(input.bots, name('bots')),
  };
}

function parseBots(value: unknown, field: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.trim() === '')) {
    throw configError(field, 'must be a list of account names', 'non-empty strings: user uuids, account ids, nicknames or display names, e.g. ["{1c3e…}", "renovate-bot"]');
  }
  return value as string[];
}

function parseBaseUrl(value: unknown, field: string): string {
  if (value === undefined) return DEFAULT_BASE_URL;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw configError(field, 'must be an http(s) URL', `e.g. "${DEFAULT_BASE_URL}"`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    // Credentials in a URL would be logged with it; a query or fragment would be lost on every path join.
    throw configError(field, 'must not carry user info, a query or a fragment', `e.g. "${DEFAULT_BASE_URL}"`);
  }
  return url.href.replace(/\/+$/, '');
}

function parsePageSizes(value: unknown, field: string): CloudPageSizes {
  if (value === undefined) return DEFAULT_PAGE_SIZES;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw configError(field, 'must be an object', Object.keys(DEFAULT_PAGE_SIZES).join(', '));
  }
  const input = value as Record<string, unknown>;
  const result: Record<string, number> = { ...DEFAULT_PAGE_SIZES };
  for (const [key, size] of Object.entries(input)) {
    if (!(key in DEFAULT_PAGE_SIZES)) throw configError(`${field}.${key}`, 'is not a listing', Object.keys(DEFAULT_PAGE_SIZES).join(', '));
    const max = key === 'pullRequests' || key === 'activity' ? 50 : 100;
    result[key] = integerField(size, `${field}.${key}`, DEFAULT_PAGE_SIZES[key as keyof CloudPageSizes], 1, max);
  }
  return result as unknown as CloudPageSizes;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw configError(field, `must be one of ${allowed.length} values`, allowed.join(', '));
  }
  return value as T;
}
