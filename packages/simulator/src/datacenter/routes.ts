/** The endpoint table: templates as the 9.2 spec names them (below `/rest/api/1.0`). */
import type { EndpointHandler } from './endpoints/context.js';
import { applicationProperties, getProject, getRepository, getUser, listProjectRepositories, listProjects, listRepositories, listUsers } from './endpoints/projects.js';
import { getPullRequest, listActivities, listParticipants, listPullRequestCommits, listPullRequests } from './endpoints/pullRequests.js';
import { listProjectUserPermissions, listPullRequestChanges, pullRequestDiffJson, pullRequestDiffText } from './endpoints/diffs.js';
import { getCommit, getDefaultBranch, getDefaultBranchRef, listBranches, listCommits, listTags } from './endpoints/refs.js';

const REPO = '/projects/{projectKey}/repos/{repositorySlug}';

/** Templates of the webhook endpoints, whose methods and bodies the registry handles. */
export const WEBHOOK_TEMPLATES: ReadonlySet<string> = new Set([`${REPO}/webhooks`, `${REPO}/webhooks/{webhookId}`]);

const webhooksPlaceholder: EndpointHandler = () => {
  throw new Error('webhook routes are answered by the registry');
};
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
  [`${REPO}/pull-requests/{pullRequestId}.diff`, pullRequestDiffText],
  [PR, getPullRequest],
  [`${PR}/diff`, pullRequestDiffJson],
  [`${PR}/changes`, listPullRequestChanges],
  ['/projects/{projectKey}/permissions/users', listProjectUserPermissions],
  [`${PR}/activities`, listActivities],
  [`${PR}/commits`, listPullRequestCommits],
  [`${PR}/participants`, listParticipants],
  // Answered by the webhook registry (it needs the method and body): see apiHandler.
  [`${REPO}/webhooks`, webhooksPlaceholder],
  [`${REPO}/webhooks/{webhookId}`, webhooksPlaceholder],
  ['/repos', listRepositories],
  ['/users', listUsers],
  ['/users/{userSlug}', getUser],
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
      const placeholder = /^\{(\w+)\}(.*)$/.exec(want);
      if (placeholder) {
        // `{pullRequestId}.diff`: a placeholder with a literal suffix.
        const suffix = placeholder[2] as string;
        if (suffix !== '' && !(got.endsWith(suffix) && got.length > suffix.length)) ok = false;
        else params[placeholder[1] as string] = safeDecode(suffix === '' ? got : got.slice(0, -suffix.length));
      } else ok = want === got;
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
