/**
 * API paths, relative to the configured base (`https://api.bitbucket.org/2.0`). Every path segment taken
 * from data goes through core's `pathSegment`: percent-encoded, so a slug, branch or UUID (`{…}` braces) never
 * alters the path, and refused when it is `.` or `..`, which URL resolution would fold into another path.
 */
import { pathSegment } from '@bbsync/core';

const encode = pathSegment;

/** `/repositories/{workspace}/{repo_slug}`. */
export function repositoryPath(workspace: string, slug: string): string {
  return `/repositories/${encode(workspace)}/${encode(slug)}`;
}

/** `/repositories/{workspace}` (the workspace's repository listing). */
export function repositoriesPath(workspace: string): string {
  return `/repositories/${encode(workspace)}`;
}

/** `/workspaces/{workspace}/members`. */
export function membersPath(workspace: string): string {
  return `/workspaces/${encode(workspace)}/members`;
}

/** `/workspaces/{workspace}`. */
export function workspacePath(workspace: string): string {
  return `/workspaces/${encode(workspace)}`;
}

/**
 * `/user/workspaces`: the caller's workspace memberships (CHANGE-3022; the cross-workspace `/workspaces`
 * answers 410 since CHANGE-2770).
 */
export function userWorkspacesPath(): string {
  return '/user/workspaces';
}

/** `/workspaces/{workspace}/hooks`. */
export function workspaceHooksPath(workspace: string): string {
  return `/workspaces/${encode(workspace)}/hooks`;
}

/** `/repositories/{ws}/{repo}/pullrequests/{id}` + optional child (`activity`, `comments`, `commits`). */
export function pullRequestPath(repository: string, id: number, child?: string): string {
  return `${repository}/pullrequests/${encode(String(id))}${child === undefined ? '' : `/${child}`}`;
}

/** `/repositories/{ws}/{repo}/commit/{sha}`. */
export function commitPath(repository: string, hash: string): string {
  return `${repository}/commit/${encode(hash)}`;
}

/** `/repositories/{ws}/{repo}/pipelines/{uuid}` (the UUID keeps its braces, encoded). */
export function pipelinePath(repository: string, uuid: string): string {
  return `${repository}/pipelines/${encode(uuid)}`;
}

/** `/repositories/{ws}/{repo}/deployments/{uuid}`. */
export function deploymentPath(repository: string, uuid: string): string {
  return `${repository}/deployments/${encode(uuid)}`;
}
