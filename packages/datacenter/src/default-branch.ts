/**
 * A repository's default branch and its tip commit, in one request when possible.
 *
 * `GET …/branches/default` is deprecated but is the only endpoint that names the tip (`latestCommit`): 200 with
 * the branch, "204 if the repo is empty", 404 "if the configured default branch does not exist" (spec,
 * getDefaultBranch_1). The configured branch of an empty repository, or of one whose default branch does not
 * exist, comes from the newer `GET …/default-branch` (cached by the caller, so it costs one request once).
 * A 404 that is not about the branch (a server without the old endpoint) falls back to `…/default-branch` and
 * `GET …/commits?until=<branch>&limit=1` for the tip.
 */
import type { ApiClient, RequestContext } from '@bbsync/core';
import type { DcBranch, DcCommit, DcMinimalRef } from './api-types.js';
import { configuredDefaultBranchPath, commitsPath, defaultBranchPath, type RepositoryRef } from './paths.js';

/** What a repository's default branch looked like at `readAt`. */
export type RepositoryHead =
  /** The branch (full ref, `refs/heads/main`) and its tip commit id. */
  | { readonly kind: 'branch'; readonly branch: string; readonly tip: string; readonly readAt: number }
  /** 204: the repository has no commits. `branch` is the configured default branch when known. */
  | { readonly kind: 'empty'; readonly branch: string | undefined; readonly readAt: number }
  /** The configured default branch does not exist (or the repository vanished meanwhile). */
  | { readonly kind: 'missing'; readonly branch: string | undefined; readonly readAt: number };

export interface HeadRequest {
  readonly client: ApiClient;
  readonly context: RequestContext;
  readonly signal?: AbortSignal | undefined;
  readonly now: number;
  /** The configured default branch learned earlier, to spare `…/default-branch` for empty repositories. */
  readonly configured?: string | undefined;
}

/** Reads the default branch and its tip. */
export async function readRepositoryHead(repository: RepositoryRef, request: HeadRequest): Promise<RepositoryHead> {
  const { client, context, signal, now: readAt } = request;
  const legacy = await client.request<DcBranch | undefined>({ url: defaultBranchPath(repository), expect: [204, 404], context, signal });
  const tip = legacy.body?.latestCommit ?? legacy.body?.latestChangeset;
  if (legacy.status === 200 && legacy.body !== undefined && typeof tip === 'string' && tip !== '') {
    return { kind: 'branch', branch: legacy.body.id, tip, readAt };
  }
  const notAboutTheBranch = legacy.status === 404 && !/NoSuchBranch|branch/i.test(JSON.stringify(legacy.body ?? ''));
  const gone = legacy.status === 404 && /NoSuch(Repository|Project)/.test(JSON.stringify(legacy.body ?? ''));
  if (gone) return { kind: 'missing', branch: undefined, readAt };
  const configured = notAboutTheBranch || request.configured === undefined ? await configuredBranch(repository, request) : request.configured;
  if (legacy.status === 204) return { kind: 'empty', branch: configured, readAt };
  if (!notAboutTheBranch || configured === undefined) return { kind: 'missing', branch: configured, readAt };
  // A server without `/branches/default`: the tip of the configured branch from the commit log.
  const newest = await client.request<{ values?: DcCommit[] } | undefined>({
    url: commitsPath(repository),
    query: { until: configured, limit: 1 },
    expect: [400, 404],
    context,
    signal,
  });
  const commit = newest.status === 200 ? newest.body?.values?.[0] : undefined;
  return commit === undefined ? { kind: 'missing', branch: configured, readAt } : { kind: 'branch', branch: configured, tip: commit.id, readAt };
}

async function configuredBranch(repository: RepositoryRef, request: HeadRequest): Promise<string | undefined> {
  const response = await request.client.request<DcMinimalRef | undefined>({
    url: configuredDefaultBranchPath(repository),
    expect: [404],
    context: request.context,
    signal: request.signal,
  });
  return response.status === 200 && typeof response.body?.id === 'string' ? response.body.id : undefined;
}

/** `main` for `refs/heads/main`. */
export function displayIdOf(ref: string): string {
  return ref.replace(/^refs\/heads\//, '');
}

/** The default-branch fields added to a repository record (as `RestMinimalRef`), or none when unknown. */
export function defaultBranchFields(head: RepositoryHead | undefined): { defaultBranch?: string; defaultBranchRef?: { id: string; displayId: string; type: 'BRANCH' } } {
  if (head?.branch === undefined) return {};
  const displayId = displayIdOf(head.branch);
  return { defaultBranch: displayId, defaultBranchRef: { id: head.branch, displayId, type: 'BRANCH' } };
}
