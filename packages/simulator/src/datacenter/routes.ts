/** The endpoint table: templates as the 9.2 spec names them (below `/rest/api/1.0`). */
import type { EndpointHandler } from './endpoints/context.js';
import { applicationProperties, getProject, getRepository, listProjectRepositories, listProjects, listRepositories, listUsers } from './endpoints/projects.js';
import { getPullRequest, listActivities, listParticipants, listPullRequestCommits, listPullRequests } from './endpoints/pullRequests.js';
import { getCommit, getDefaultBranch, getDefaultBranchRef, listBranches, listCommits, listTags } from './endpoints/refs.js';

const REPO = '/projects/{projectKey}/repos/{repositorySlug}';
const PR = `${REPO}/pull-requests/{pullRequestId}`;

const TABLE: readonly (readonly [string, EndpointHandler])[] = [
  ['/application-properties', applicationProperties],
  ['/projects', listProjects],
  ['/projects/{projectKey}', getProject],
  ['/projects/{projectKey}/repos', listProjectRepositories],
  [REPO, getRepository],
  [`${REPO}/default-branch`, getDefaultBranchRef],
  [`${REPO}/branches/default`, getDefaultBranch],
  [`${REPO}/branches`, listBranches],
  [`${REPO}/tags`, listTags],
  [`${REPO}/commits`, listCommits],
  [`${REPO}/commits/{commitId}`, getCommit],
  [`${REPO}/pull-requests`, listPullRequests],
  [PR, getPullRequest],
  [`${PR}/activities`, listActivities],
  [`${PR}/commits`, listPullRequestCommits],
  [`${PR}/participants`, listParticipants],
  ['/repos', listRepositories],
  ['/users', listUsers],
];

export interface RouteMatch {
  readonly template: string;
  readonly handler: EndpointHandler;
  readonly params: Record<string, string>;
}

const COMPILED = TABLE.map(([template, handler]) => ({ template, handler, segments: template.split('/').slice(1) }));

/** Matches a path below the API base against the table. */
export function matchRoute(path: string): RouteMatch | undefined {
  const parts = path.replace(/\/+$/, '').split('/').slice(1);
  for (const route of COMPILED) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const want = route.segments[i] as string;
      const got = parts[i] as string;
      if (want.startsWith('{')) params[want.slice(1, -1)] = safeDecode(got);
      else ok = want === got;
    }
    if (ok && !Object.values(params).some((v) => v === '')) return { template: route.template, handler: route.handler, params };
  }
  return undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
