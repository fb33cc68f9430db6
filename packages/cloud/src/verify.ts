/**
 * Connection checks: per credential, who it is (the workspace GET needs no scope), then per selected stream
 * the cheapest request that proves access (`pagelen=1`, or the first repository page that is needed anyway
 * to count repositories). Never throws for API failures: each one becomes a check with its code.
 */
import { isBbsyncError, toBbsyncError, type ApiClient, type Credential, type VerificationCheck, type VerificationReport } from '@bbsync/core';
import { createCloudClient } from './client.js';
import type { CloudConfig } from './config.js';
import { membersPath, repositoriesPath, repositoryPath, userWorkspacesPath, workspacePath } from './paths.js';
import { repositoryFilter } from './streams/repositories.js';
import { STREAM_SCOPES, type CloudStreamName } from './streams/names.js';

/** What Bitbucket said when app passwords went away. */
export const APP_PASSWORD_WARNING =
  'This credential is a username + app password: Bitbucket Cloud removed app passwords on 2026-07-28 (brownouts from 2026-06-09). Use an API token with your Atlassian account email ({ email, apiToken }) or an access token.';

interface Probe {
  readonly endpoint: string;
  readonly result: VerificationCheck['result'];
  readonly status?: number | undefined;
  readonly message?: string | undefined;
  readonly hint?: string | undefined;
}

/** Runs the checks. With several credentials, each is checked through a client of its own, so the answer is its own. */
export async function verifyCloud(
  config: CloudConfig,
  client: ApiClient,
  credentials: readonly Credential[],
  streams: readonly string[],
): Promise<VerificationReport> {
  const selected = streams.filter((stream): stream is CloudStreamName => stream in STREAM_SCOPES);
  const checks: VerificationCheck[] = [];
  const perCredential: VerificationReport['credentials'][number][] = [];
  const warnings: string[] = [];
  const served = new Set<string>();

  for (const credential of credentials) {
    const own = credentials.length === 1 ? client : createCloudClient(config, [credential]);
    try {
      const result = await verifyOne(config, own, credential, selected);
      checks.push(...result.checks);
      for (const stream of result.streams) served.add(stream);
      perCredential.push({ index: credential.index, label: credential.label, streams: result.streams, repositories: result.repositories, warnings: result.warnings });
    } finally {
      if (own !== client) await (own as { close?: () => Promise<void> }).close?.();
    }
  }
  if (credentials.length === 0) warnings.push('No credential is configured: only public repositories can be read, at 60 requests per hour.');
  const unserved = selected.filter((stream) => !served.has(stream));
  if (unserved.length > 0) warnings.push(`No credential can serve: ${unserved.join(', ')}.`);
  return { ok: credentials.length > 0 && unserved.length === 0, checks, credentials: perCredential, warnings };
}

async function verifyOne(config: CloudConfig, client: ApiClient, credential: Credential, selected: readonly CloudStreamName[]) {
  const checks: VerificationCheck[] = [];
  const warnings: string[] = [];
  const streams: string[] = [];
  const base = { credentialIndex: credential.index, credentialLabel: credential.label };
  if (credential.form === 'password') warnings.push(APP_PASSWORD_WARNING);

  // Who it is: the workspace GET needs no scope. A 404 there is not conclusive (the workspace may be invisible
  // to a repository token, or the endpoint unavailable): the repository listing, which answers 404 for an
  // unknown workspace, decides then.
  const workspace = await probe(client, workspacePath(config.workspace), { fields: 'uuid,slug' });
  if (workspace.result === 'invalid_credentials') {
    checks.push({ ...base, ...workspace });
    return { checks, streams, repositories: undefined, warnings };
  }

  // The repository page: proves the `repository` scope, counts repositories, and names one to probe the others with.
  const repositoryStreams = selected.filter((stream) => stream !== 'workspace_members' && credential.canServe({ stream }));
  let repositories: number | undefined;
  let sample: string | undefined;
  const repositoryProbe: RepositoryProbe =
    repositoryStreams.length === 0 && workspace.result === 'ok' ? { endpoint: '', result: 'ok' } : await probeRepositories(client, config);
  if (workspace.result === 'ok' || repositoryProbe.endpoint === '') checks.push({ ...base, ...workspace });
  else if (repositoryProbe.result === 'ok' || repositoryProbe.result === 'no_resources') checks.push({ ...base, ...repositoryProbe, result: 'ok' });
  else if (repositoryProbe.status === 404) {
    const visible = await visibleWorkspaces(client);
    const known = visible === undefined ? '' : visible.length === 0 ? ' It is a member of no workspace.' : ` Workspaces it can see: ${visible.join(', ')}.`;
    checks.push({ ...base, ...repositoryProbe, result: 'no_resources', hint: `Workspace "${config.workspace}" does not exist or this credential cannot see it.${known}` });
    return { checks, streams, repositories: undefined, warnings };
  } else checks.push({ ...base, ...repositoryProbe });
  if (repositoryProbe.result === 'invalid_credentials') return { checks, streams, repositories: undefined, warnings };

  if (repositoryProbe.result === 'ok' && repositoryProbe.endpoint !== '') {
    const visible = (repositoryProbe.names ?? repositoryProbe.firstPage ?? []).filter(repositoryFilter(config));
    sample = visible[0];
    repositories = repositoryProbe.names !== undefined ? visible.length : repositoryProbe.size;
    if (repositoryProbe.names !== undefined) {
      const restrict = (credential as { restrictTo?: (names: Iterable<string>) => void }).restrictTo;
      // A repository or project access token sees a few repositories: let the pool send it only those.
      if (typeof restrict === 'function') restrict.call(credential, repositoryProbe.names);
    }
  }

  const cache = new Map<string, Probe>();
  for (const stream of selected) {
    const requires = STREAM_SCOPES[stream];
    if (!credential.canServe({ stream })) continue;
    let result: Probe;
    if (stream === 'workspace_members') {
      result = await cached(cache, 'members', () => probe(client, membersPath(config.workspace), { pagelen: 1, fields: 'values.user.uuid,next' }));
    } else if (repositoryProbe.result !== 'ok') {
      result = repositoryProbe;
    } else if (sample === undefined) {
      result = { endpoint: repositoryProbe.endpoint, result: 'no_resources', message: 'No repository is visible to this credential (after the include/exclude filters).' };
    } else if (stream === 'repositories' || stream === 'commits') {
      result = repositoryProbe;
    } else if (stream === 'environments' || stream === 'deployments') {
      // Both are read from the environments listing first (scope `pipeline`, per the spec's `security`).
      result = await cached(cache, 'environments', () => probe(client, `${repositoryOf(config, sample)}/environments`, { pagelen: 1, fields: 'values.uuid,next' }));
    } else if (stream === 'pipelines') {
      result = await cached(cache, 'pipelines', () => probe(client, `${repositoryOf(config, sample)}/pipelines`, { pagelen: 1, fields: 'values.uuid,next' }));
    } else {
      result = await cached(cache, 'pullrequests', () => probe(client, `${repositoryOf(config, sample)}/pullrequests`, { pagelen: 1, fields: 'values.id,next' }));
    }
    const check: VerificationCheck = {
      ...base,
      stream,
      requires,
      endpoint: result.endpoint,
      result: result.result,
      status: result.status,
      message: result.message,
      hint: result.result === 'invalid_permissions' ? `The "${stream}" stream needs the "${requires}" scope (read). ${result.hint ?? ''}`.trim() : result.hint,
    };
    checks.push(check);
    if (check.result === 'ok') streams.push(stream);
  }
  if (streams.includes('workspace_members') && credential.form !== 'access_token') {
    warnings.push('Member emails are only returned to workspace admins and workspace access tokens; other credentials sync members without email.');
  }
  return { checks, streams, repositories, warnings };
}

interface RepositoryProbe extends Probe {
  /** Every visible repository, when they fit on one page. */
  readonly names?: string[] | undefined;
  /** The first page's repositories, when there are more pages. */
  readonly firstPage?: string[] | undefined;
  /** The server's count (list-based pages send `size`). */
  readonly size?: number | undefined;
}

async function probeRepositories(client: ApiClient, config: CloudConfig): Promise<RepositoryProbe> {
  const endpoint = `GET ${repositoriesPath(config.workspace)}`;
  try {
    const response = await client.request<{ values?: { full_name?: string }[]; size?: number; next?: string }>({
      url: repositoriesPath(config.workspace),
      query: { pagelen: 100, fields: 'values.full_name,size,next' },
      context: { stream: 'repositories' },
    });
    const names = (response.body.values ?? []).map((repository) => repository.full_name).filter((name): name is string => name !== undefined);
    const size = typeof response.body.size === 'number' ? response.body.size : undefined;
    if (typeof response.body.next === 'string') return { endpoint, result: 'ok', status: response.status, firstPage: names, size };
    return { endpoint, result: names.length === 0 ? 'no_resources' : 'ok', status: response.status, names, size: names.length };
  } catch (error) {
    return failed(endpoint, error);
  }
}

/**
 * The workspaces the credential is a member of (`GET /user/workspaces`, one page of 100), to name them when
 * the configured one is wrong; undefined when that cannot be told (an access token without the account scope).
 */
async function visibleWorkspaces(client: ApiClient): Promise<string[] | undefined> {
  try {
    const response = await client.request<{ values?: { workspace?: { slug?: string } }[]; next?: string }>({
      url: userWorkspacesPath(),
      query: { pagelen: 100, fields: 'values.workspace.slug,next' },
    });
    const slugs = (response.body.values ?? []).map((membership) => membership.workspace?.slug).filter((slug): slug is string => slug !== undefined);
    return typeof response.body.next === 'string' ? [...slugs, '…'] : slugs;
  } catch {
    return undefined;
  }
}

async function probe(client: ApiClient, url: string, query: Record<string, string | number>): Promise<Probe> {
  const endpoint = `GET ${url}`;
  try {
    const response = await client.request({ url, query });
    return { endpoint, result: 'ok', status: response.status };
  } catch (error) {
    return failed(endpoint, error);
  }
}

function failed(endpoint: string, error: unknown): Probe {
  const mapped = isBbsyncError(error) ? error : toBbsyncError(error);
  return { endpoint, result: mapped.code, status: mapped.status, message: mapped.message, hint: mapped.hint };
}

async function cached(cache: Map<string, Probe>, key: string, run: () => Promise<Probe>): Promise<Probe> {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = await run();
  cache.set(key, result);
  return result;
}

function repositoryOf(config: CloudConfig, fullName: string): string {
  return repositoryPath(config.workspace, fullName.slice(fullName.indexOf('/') + 1));
}
