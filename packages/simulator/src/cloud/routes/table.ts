/** The Cloud endpoints the simulator serves, by method and path template (below /2.0). */
import type { SimResponse } from '../../server.js';
import { SCOPES, type ScopeRequirement } from '../http/auth.js';
import type { Call } from '../http/call.js';
import { getCommit, listCommits } from './commits.js';
import { pullRequestDiffstat, repositoryDiffstat } from './diffstat.js';
import { getWorkspace, gone, listUserWorkspaces } from './discovery.js';
import { getDeployment, listDeployments, listEnvironments, listSteps } from './deployments.js';
import { getPipeline, listPipelines } from './pipelines.js';
import {
  PULL_REQUEST_LIST_HIDDEN,
  getPullRequest,
  listPullRequests,
  pullRequestActivity,
  pullRequestComments,
  pullRequestCommitsRoute,
  repositoryActivity,
} from './pullrequests.js';
import { getBranch, getRepository, listRepositories } from './repositories.js';
import { MEMBER_LIST_HIDDEN, createHook, createRepositoryHook, listRepositoryHooks, updateHook, getUser, listHooks, listMembers } from './workspace.js';

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** e.g. `/repositories/{ws}/{repo}/pullrequests/{id}`; `{name+}` matches across slashes. */
  readonly template: string;
  readonly scope: ScopeRequirement;
  /** Rate-limit resource group. */
  readonly resource: 'api' | 'webhooks';
  /** Paths hidden from the default representation (condensed list items). */
  readonly hidden?: readonly string[];
  readonly handler: (call: Call) => SimResponse;
}

const R = '/repositories/{ws}/{repo}';

export const ROUTES: readonly Route[] = [
  { method: 'GET', template: '/repositories/{ws}', scope: SCOPES.repository, resource: 'api', handler: listRepositories },
  { method: 'GET', template: R, scope: SCOPES.repository, resource: 'api', handler: getRepository },
  { method: 'GET', template: `${R}/pullrequests`, scope: SCOPES.pullrequest, resource: 'api', hidden: PULL_REQUEST_LIST_HIDDEN, handler: listPullRequests },
  { method: 'GET', template: `${R}/pullrequests/activity`, scope: SCOPES.pullrequest, resource: 'api', handler: repositoryActivity },
  { method: 'GET', template: `${R}/pullrequests/{id}`, scope: SCOPES.pullrequest, resource: 'api', handler: getPullRequest },
  { method: 'GET', template: `${R}/pullrequests/{id}/activity`, scope: SCOPES.pullrequest, resource: 'api', handler: pullRequestActivity },
  { method: 'GET', template: `${R}/pullrequests/{id}/comments`, scope: SCOPES.pullrequest, resource: 'api', handler: pullRequestComments },
  { method: 'GET', template: `${R}/pullrequests/{id}/commits`, scope: SCOPES.pullrequest, resource: 'api', handler: pullRequestCommitsRoute },
  { method: 'GET', template: `${R}/commits`, scope: SCOPES.repository, resource: 'api', handler: listCommits },
  { method: 'POST', template: `${R}/commits`, scope: SCOPES.repository, resource: 'api', handler: listCommits },
  { method: 'GET', template: `${R}/commits/{revision+}`, scope: SCOPES.repository, resource: 'api', handler: listCommits },
  { method: 'POST', template: `${R}/commits/{revision+}`, scope: SCOPES.repository, resource: 'api', handler: listCommits },
  { method: 'GET', template: `${R}/commit/{sha}`, scope: SCOPES.repository, resource: 'api', handler: getCommit },
  { method: 'GET', template: `${R}/refs/branches/{name+}`, scope: SCOPES.repository, resource: 'api', handler: getBranch },
  { method: 'GET', template: `${R}/pipelines`, scope: SCOPES.pipeline, resource: 'api', handler: listPipelines },
  { method: 'GET', template: `${R}/pipelines/{uuid}`, scope: SCOPES.pipeline, resource: 'api', handler: getPipeline },
  { method: 'GET', template: `${R}/pipelines/{uuid}/steps`, scope: SCOPES.pipeline, resource: 'api', handler: listSteps },
  { method: 'GET', template: `${R}/environments`, scope: SCOPES.pipeline, resource: 'api', handler: listEnvironments },
  { method: 'GET', template: `${R}/deployments`, scope: SCOPES.pipeline, resource: 'api', handler: listDeployments },
  { method: 'GET', template: `${R}/deployments/{uuid}`, scope: SCOPES.pipeline, resource: 'api', handler: getDeployment },
  { method: 'GET', template: '/workspaces/{ws}/members', scope: SCOPES.account, resource: 'api', hidden: MEMBER_LIST_HIDDEN, handler: listMembers },
  { method: 'GET', template: '/workspaces/{ws}/hooks', scope: SCOPES.webhook, resource: 'webhooks', handler: listHooks },
  { method: 'POST', template: '/workspaces/{ws}/hooks', scope: SCOPES.webhookWrite, resource: 'webhooks', handler: createHook },
  { method: 'PUT', template: '/workspaces/{ws}/hooks/{uid}', scope: SCOPES.webhookWrite, resource: 'webhooks', handler: updateHook },
  { method: 'GET', template: `${R}/hooks`, scope: SCOPES.webhook, resource: 'webhooks', handler: listRepositoryHooks },
  { method: 'POST', template: `${R}/hooks`, scope: SCOPES.webhookWrite, resource: 'webhooks', handler: createRepositoryHook },
  { method: 'PUT', template: `${R}/hooks/{uid}`, scope: SCOPES.webhookWrite, resource: 'webhooks', handler: updateHook },
  { method: 'GET', template: '/user', scope: SCOPES.user, resource: 'api', handler: getUser },
  { method: 'GET', template: `${R}/pullrequests/{id}/diffstat`, scope: SCOPES.pullrequest, resource: 'api', handler: pullRequestDiffstat },
  { method: 'GET', template: `${R}/diffstat/{spec+}`, scope: SCOPES.repository, resource: 'api', handler: repositoryDiffstat },
  // Workspace discovery (CHANGE-2770, CHANGE-3022): see ./discovery.ts.
  { method: 'GET', template: '/workspaces/{ws}', scope: SCOPES.none, resource: 'api', handler: getWorkspace },
  { method: 'GET', template: '/user/workspaces', scope: SCOPES.account, resource: 'api', handler: listUserWorkspaces },
  { method: 'GET', template: '/workspaces', scope: SCOPES.account, resource: 'api', handler: gone },
  { method: 'GET', template: '/repositories', scope: SCOPES.repository, resource: 'api', handler: gone },
  { method: 'GET', template: '/user/permissions/workspaces', scope: SCOPES.account, resource: 'api', handler: gone },
  { method: 'GET', template: '/user/permissions/repositories', scope: SCOPES.repository, resource: 'api', handler: gone },
];

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

const COMPILED: readonly CompiledRoute[] = ROUTES.map((route) => {
  const names: string[] = [];
  const source = route.template.replace(/\{(\w+)(\+?)\}/g, (_, name: string, plus: string) => {
    names.push(name);
    return plus ? '(.+)' : '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
});

export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

/**
 * Finds the route for a path (trailing slash ignored, as the real API redirects/accepts both). Returns
 * 'method' when the path exists for another method.
 */
export function matchRoute(method: string, path: string): RouteMatch | 'method' | undefined {
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
  let otherMethod = false;
  for (const compiled of COMPILED) {
    const m = compiled.pattern.exec(normalized);
    if (!m) continue;
    if (compiled.route.method !== method) {
      otherMethod = true;
      continue;
    }
    const params: Record<string, string> = {};
    compiled.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] as string);
    });
    return { route: compiled.route, params };
  }
  return otherMethod ? 'method' : undefined;
}
