/**
 * Connection checks: per credential, an identity check, then for each selected stream the cheapest request
 * that proves the stream can be served, reported as `ok` or an error code (`invalid_credentials`,
 * `invalid_permissions`, `no_resources`, …) with the endpoint and a hint. Never throws for API failures.
 *
 * Requests per credential: `GET /projects?limit=1` (identity: it needs authentication when credentials are
 * sent), the repository listing (counts what the credential can serve), then at most one request per selected
 * stream against the first visible repository (and its newest pull request).
 */
import {
  isBbsyncError,
  toBbsyncError,
  type ApiClient,
  type ApiRequest,
  type Credential,
  type VerificationCheck,
  type VerificationReport,
} from '@bbsync/core';
import type { DcPullRequest, DcRepository } from './api-types.js';
import { createDataCenterClient } from './client.js';
import type { DataCenterConfig } from './config.js';
import { listing } from './listing.js';
import { DATA_CENTER_STREAM_NAMES } from './outputs.js';
import { repositoryName } from './partition.js';
import { tagsPath,
  defaultBranchPath,
  PROJECTS_PATH,
  projectReposPath,
  pullRequestActivitiesPath,
  pullRequestCommitsPath,
  pullRequestsPath,
  REPOS_PATH,
  USERS_PATH,
  type RepositoryRef,
} from './paths.js';
import { repositorySelector } from './repository-filter.js';
import { USERS_DEGRADED_WARNING } from './streams/users.js';

/** What each stream needs on Data Center (for reports and hints). */
export const STREAM_REQUIREMENTS: Readonly<Record<string, string>> = {
  projects: 'PROJECT_VIEW',
  repositories: 'REPO_READ',
  users: 'LICENSED_USER (not available to project or repository access tokens)',
  commits: 'REPO_READ',
  pull_requests: 'REPO_READ',
  pull_request_activities: 'REPO_READ',
  pull_request_commits: 'REPO_READ',
  pull_request_events: 'REPO_READ',
  deployments: 'REPO_READ',
};

const REPOSITORY_STREAMS = new Set(['repositories', 'commits', 'pull_requests', 'pull_request_activities', 'pull_request_commits', 'pull_request_events', 'deployments']);

interface Probe {
  readonly result: VerificationCheck['result'];
  readonly status?: number | undefined;
  readonly message?: string | undefined;
  readonly hint?: string | undefined;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string | undefined>>;
}

/** Runs the checks for the selected streams and every credential. */
export async function verifyDataCenter(
  config: DataCenterConfig,
  client: ApiClient,
  credentials: readonly Credential[],
  streams: readonly string[],
): Promise<VerificationReport> {
  const selected = streams.length === 0 ? [...DATA_CENTER_STREAM_NAMES] : streams.filter((name) => (DATA_CENTER_STREAM_NAMES as readonly string[]).includes(name));
  const checks: VerificationCheck[] = [];
  const perCredential: VerificationReport['credentials'][number][] = [];
  const warnings: string[] = [];
  const served = new Set<string>();

  for (const credential of credentials) {
    const own = credentials.length === 1 ? undefined : createDataCenterClient(config, [credential]);
    try {
      const result = await verifyCredential(config, own ?? client, credential, selected, credentials.length > 1);
      checks.push(...result.checks);
      perCredential.push(result.summary);
      for (const stream of result.summary.streams) served.add(stream);
      warnings.push(...result.summary.warnings.map((warning) => `${credential.label}: ${warning}`));
    } finally {
      await own?.close();
    }
  }
  const unserved = selected.filter((stream) => !served.has(stream));
  for (const stream of unserved) warnings.push(`${stream}: no credential can serve this stream`);
  return { ok: credentials.length > 0 && unserved.length === 0, checks, credentials: perCredential, warnings };
}

async function verifyCredential(
  config: DataCenterConfig,
  client: ApiClient,
  credential: Credential,
  selected: readonly string[],
  restrict: boolean,
): Promise<{ checks: VerificationCheck[]; summary: VerificationReport['credentials'][number] }> {
  const checks: VerificationCheck[] = [];
  const streams: string[] = [];
  const warnings: string[] = [];
  const base = { credentialIndex: credential.index, credentialLabel: credential.label };
  const check = (stream: string | undefined, endpoint: string, probe: Probe, requires?: string) => {
    checks.push({
      ...base,
      stream,
      endpoint,
      result: probe.result,
      status: probe.status,
      message: probe.message,
      hint: probe.hint,
      requires,
    });
    if (stream !== undefined && probe.result === 'ok') streams.push(stream);
  };
  const mine = selected.filter((stream) => credential.canServe({ stream }));

  // Identity: any authenticated request; a wrong credential answers 401 here and nothing else is tried.
  const identity = await probe(client, { url: PROJECTS_PATH, query: { limit: 1 }, context: { stream: 'projects' } });
  const user = identity.headers?.['x-ausername'];
  check(undefined, `GET ${PROJECTS_PATH}`, { ...identity, message: identity.result === 'ok' ? `authenticated${user ? ` as ${user}` : ''}` : identity.message });
  if (identity.result === 'invalid_credentials' || identity.result === 'network_error' || identity.result === 'bad_response') {
    return { checks, summary: { index: credential.index, label: credential.label, streams: [], repositories: undefined, warnings } };
  }

  if (mine.includes('projects')) {
    const projects = pageValues(identity.body);
    check('projects', `GET ${PROJECTS_PATH}`, identity.result === 'ok' && projects.length === 0 ? noResources('no project is visible') : identity, STREAM_REQUIREMENTS.projects);
  }

  let repositories: DcRepository[] | undefined;
  let first: RepositoryRef | undefined;
  const needsRepositories = mine.some((stream) => REPOSITORY_STREAMS.has(stream));
  const listingEndpoint = config.projects.length === 0 ? `GET ${REPOS_PATH}` : `GET ${projectReposPath('{key}')}`;
  if (needsRepositories) {
    const listed = await listRepositories(config, client);
    repositories = listed.repositories;
    const found = listed.repositories[0];
    first = found === undefined ? undefined : { projectKey: found.project.key, slug: found.slug };
    if (listed.probe.result !== 'ok') {
      for (const stream of mine.filter((name) => REPOSITORY_STREAMS.has(name))) check(stream, listingEndpoint, listed.probe, STREAM_REQUIREMENTS[stream]);
    } else if (found === undefined) {
      for (const stream of mine.filter((name) => REPOSITORY_STREAMS.has(name))) {
        check(stream, listingEndpoint, noResources('no repository matches the configured projects and filters'), STREAM_REQUIREMENTS[stream]);
      }
    } else {
      if (restrict && 'restrictTo' in credential && typeof credential.restrictTo === 'function') {
        // Route each repository's requests to credentials that can read it (project / repository tokens).
        (credential.restrictTo as (names: Iterable<string>) => void)(listed.repositories.map(repositoryName));
      }
      if (mine.includes('repositories')) check('repositories', listingEndpoint, { result: 'ok', message: `${listed.repositories.length} repositories` }, STREAM_REQUIREMENTS.repositories);
    }
  }

  if (first !== undefined) {
    const context = { repository: `${first.projectKey}/${first.slug}` };
    if (mine.includes('commits')) {
      const url = defaultBranchPath(first);
      check('commits', `GET ${url}`, await probe(client, { url, expect: [204, 404], context: { ...context, stream: 'commits' } }), STREAM_REQUIREMENTS.commits);
    }
    if (mine.includes('deployments')) {
      const url = tagsPath(first);
      check('deployments', `GET ${url}`, await probe(client, { url, query: { limit: 1 }, context: { ...context, stream: 'deployments' } }), STREAM_REQUIREMENTS.deployments);
    }
    const wantsPullRequests = mine.some((stream) => stream.startsWith('pull_request'));
    if (wantsPullRequests) {
      const url = pullRequestsPath(first);
      const pulls = await probe(client, { url, query: { state: 'ALL', limit: 1 }, context: { ...context, stream: 'pull_requests' } });
      if (mine.includes('pull_requests')) check('pull_requests', `GET ${url}`, pulls, STREAM_REQUIREMENTS.pull_requests);
      // Derived from what pull_requests reads: the same access.
      if (mine.includes('pull_request_events')) check('pull_request_events', `GET ${url}`, pulls, STREAM_REQUIREMENTS.pull_request_events);
      const newest = pageValues(pulls.body)[0] as DcPullRequest | undefined;
      for (const [stream, path] of [
        ['pull_request_activities', newest && pullRequestActivitiesPath(first, newest.id)],
        ['pull_request_commits', newest && pullRequestCommitsPath(first, newest.id)],
      ] as const) {
        if (!mine.includes(stream)) continue;
        if (pulls.result !== 'ok') check(stream, `GET ${url}`, pulls, STREAM_REQUIREMENTS[stream]);
        else if (path === undefined) check(stream, `GET ${url}`, { result: 'ok', message: 'no pull request to read yet' }, STREAM_REQUIREMENTS[stream]);
        else check(stream, `GET ${path}`, await probe(client, { url: path, query: { limit: 1 }, expect: [404], context: { ...context, stream: 'pull_requests' } }), STREAM_REQUIREMENTS[stream]);
      }
    }
  }

  if (mine.includes('users')) {
    const users = await probe(client, { url: USERS_PATH, query: { limit: 1 }, context: { stream: 'users' } });
    if (users.result === 'ok') check('users', `GET ${USERS_PATH}`, users, STREAM_REQUIREMENTS.users);
    else if (users.result === 'invalid_permissions' || users.result === 'invalid_credentials') {
      // Degraded, not failed: the sync writes no users for this credential and warns.
      check('users', `GET ${USERS_PATH}`, { ...users, result: 'invalid_permissions', hint: USERS_DEGRADED_WARNING }, STREAM_REQUIREMENTS.users);
      warnings.push(USERS_DEGRADED_WARNING);
      streams.push('users');
    } else check('users', `GET ${USERS_PATH}`, users, STREAM_REQUIREMENTS.users);
  }

  return {
    checks,
    summary: { index: credential.index, label: credential.label, streams, repositories: repositories?.length, warnings },
  };
}

/** The repositories the credential can read, after the configured projects and filters. */
async function listRepositories(config: DataCenterConfig, client: ApiClient): Promise<{ repositories: DcRepository[]; probe: Probe }> {
  const selected = repositorySelector(config);
  const urls = config.projects.length === 0 ? [REPOS_PATH] : config.projects.map(projectReposPath);
  const repositories: DcRepository[] = [];
  const ids = new Set<number>();
  try {
    for (const url of urls) {
      for await (const repository of listing<DcRepository>(client, { url, limit: config.pageSize, expect: [404], context: { stream: 'repositories' } })) {
        if (ids.has(repository.id) || !selected(repositoryName(repository))) continue;
        ids.add(repository.id);
        repositories.push(repository);
      }
    }
    return { repositories, probe: { result: 'ok' } };
  } catch (error) {
    return { repositories, probe: failure(error) };
  }
}

async function probe(client: ApiClient, request: ApiRequest): Promise<Probe> {
  try {
    const response = await client.request(request);
    return { result: 'ok', status: response.status, body: response.body, headers: response.headers };
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): Probe {
  const mapped = isBbsyncError(error) ? error : toBbsyncError(error);
  return { result: mapped.code, status: mapped.status, message: mapped.message, hint: mapped.hint };
}

function noResources(message: string): Probe {
  return {
    result: 'no_resources',
    message,
    hint: 'The credential sees nothing to sync: check `projects` and `repositories` filters, and that the user or token has REPO_READ.',
  };
}

function pageValues(body: unknown): unknown[] {
  const values = typeof body === 'object' && body !== null ? (body as { values?: unknown }).values : undefined;
  return Array.isArray(values) ? values : [];
}
