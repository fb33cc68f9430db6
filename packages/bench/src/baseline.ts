/**
 * The baseline: the sync a user would script with a generic HTTP client and no bbsync code. It follows `next`
 * (Cloud) or `nextPageStart` (Data Center) from the first page with the default page sizes, no filters, one
 * request at a time, and reads everything every time (it keeps no state):
 *
 * - Cloud: the workspace's repositories and members; per repository every pull request in every state, and per
 *   pull request its activity, comments and commits; all commits of the main branch; all pipelines.
 * - Data Center: projects, each project's repositories, users; per repository every pull request
 *   (`state=ALL`) and per pull request its activities and commits; all commits of the default branch.
 *
 * It runs against the simulator with no latency; its wall time is derived (requests × latency), so the
 * baseline does not dominate the benchmark's running time.
 */
import type { CredentialConfig } from '@bbsync/core';
import type { ApiEndpoint, ApiKind } from './protocol.js';

export interface BaselineResult {
  readonly requests: number;
  /** Items read across every listing. */
  readonly items: number;
  /** Listings that answered 404 (a pull request whose source branch is gone): skipped, as a script would. */
  readonly notFound: number;
}

/** The Authorization header of a credential, as a script would build it. */
export function authorizationOf(credential: CredentialConfig): string {
  if (credential.accessToken !== undefined) return `Bearer ${credential.accessToken}`;
  const user = credential.email ?? credential.username ?? '';
  const secret = credential.apiToken ?? credential.password ?? '';
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

class NaiveClient {
  requests = 0;
  items = 0;
  notFound = 0;
  readonly #authorization: string;

  constructor(credential: CredentialConfig) {
    this.#authorization = authorizationOf(credential);
  }

  /** GETs a URL; undefined for a 404. */
  async get(url: string): Promise<Record<string, unknown> | undefined> {
    this.requests += 1;
    const response = await fetch(url, { headers: { authorization: this.#authorization, accept: 'application/json' } });
    if (response.status === 404) {
      await response.body?.cancel();
      this.notFound += 1;
      return undefined;
    }
    if (!response.ok) {
      const text = await response.text();
      throw new Error(`baseline: GET ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 200)}`);
    }
    return (await response.json()) as Record<string, unknown>;
  }

  /** Every item of a Cloud listing: follow `next` verbatim until there is none. */
  async cloudAll(url: string): Promise<Record<string, unknown>[]> {
    const all: Record<string, unknown>[] = [];
    let next: string | undefined = url;
    while (next !== undefined) {
      const page = await this.get(next);
      if (page === undefined) break;
      const values = (page.values as Record<string, unknown>[] | undefined) ?? [];
      all.push(...values);
      this.items += values.length;
      next = typeof page.next === 'string' ? page.next : undefined;
    }
    return all;
  }

  /** Every item of a Data Center listing: `start` from `nextPageStart` until `isLastPage`. */
  async dataCenterAll(url: string): Promise<Record<string, unknown>[]> {
    const all: Record<string, unknown>[] = [];
    let start: number | undefined = 0;
    while (start !== undefined) {
      const page = await this.get(withQuery(url, start === 0 ? {} : { start: String(start) }));
      if (page === undefined) break;
      const values = (page.values as Record<string, unknown>[] | undefined) ?? [];
      all.push(...values);
      this.items += values.length;
      start = page.isLastPage === true || typeof page.nextPageStart !== 'number' ? undefined : page.nextPageStart;
    }
    return all;
  }
}

function withQuery(url: string, query: Readonly<Record<string, string>>): string {
  const out = new URL(url);
  for (const [key, value] of Object.entries(query)) out.searchParams.set(key, value);
  return out.href;
}

async function cloudBaseline(client: NaiveClient, endpoint: ApiEndpoint): Promise<void> {
  const base = endpoint.baseUrl;
  const workspace = encodeURIComponent(endpoint.workspace ?? '');
  const repositories = await client.cloudAll(`${base}/repositories/${workspace}`);
  await client.cloudAll(`${base}/workspaces/${workspace}/members`);
  for (const repository of repositories) {
    const repo = `${base}/repositories/${String(repository.full_name)}`;
    const pullRequests = await client.cloudAll(`${repo}/pullrequests?state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED`);
    for (const pullRequest of pullRequests) {
      const id = String(pullRequest.id);
      await client.cloudAll(`${repo}/pullrequests/${id}/activity`);
      await client.cloudAll(`${repo}/pullrequests/${id}/comments`);
      await client.cloudAll(`${repo}/pullrequests/${id}/commits`);
    }
    const main = (repository.mainbranch as { name?: string } | null | undefined)?.name;
    if (main !== undefined) await client.cloudAll(`${repo}/commits/${encodeURIComponent(main)}`);
    await client.cloudAll(`${repo}/pipelines/`);
  }
}

async function dataCenterBaseline(client: NaiveClient, endpoint: ApiEndpoint): Promise<void> {
  const base = endpoint.baseUrl;
  const projects = await client.dataCenterAll(`${base}/projects`);
  const repositories: { project: string; slug: string }[] = [];
  for (const project of projects) {
    const key = String(project.key);
    for (const repository of await client.dataCenterAll(`${base}/projects/${encodeURIComponent(key)}/repos`)) {
      repositories.push({ project: key, slug: String(repository.slug) });
    }
  }
  await client.dataCenterAll(`${base}/users`);
  for (const { project, slug } of repositories) {
    const repo = `${base}/projects/${encodeURIComponent(project)}/repos/${encodeURIComponent(slug)}`;
    const pullRequests = await client.dataCenterAll(`${repo}/pull-requests?state=ALL`);
    for (const pullRequest of pullRequests) {
      const id = String(pullRequest.id);
      await client.dataCenterAll(`${repo}/pull-requests/${id}/activities`);
      await client.dataCenterAll(`${repo}/pull-requests/${id}/commits`);
    }
    await client.dataCenterAll(`${repo}/commits`);
  }
}

/** Runs the baseline sync against `endpoint` with its first credential. */
export async function runBaseline(api: ApiKind, endpoint: ApiEndpoint): Promise<BaselineResult> {
  const credential = endpoint.credentials[0];
  if (credential === undefined) throw new Error('baseline: the simulator offered no credential');
  const client = new NaiveClient(credential);
  if (api === 'cloud') await cloudBaseline(client, endpoint);
  else await dataCenterBaseline(client, endpoint);
  return { requests: client.requests, items: client.items, notFound: client.notFound };
}
