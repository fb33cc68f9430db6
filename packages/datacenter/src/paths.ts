/**
 * API paths, relative to the configured API base (`https://host/ctx/rest/api/1.0`). Every segment taken from
 * data goes through core's `pathSegment`: percent-encoded, so a project key, slug or user slug never alters the
 * path, and refused when it is `.` or `..`, which URL resolution would fold into another path. (`~` of personal
 * project keys is left as is by `encodeURIComponent`, which is what Data Center expects.)
 */
import { pathSegment } from '@bbsync/core';

const encode = pathSegment;

/** `/projects` (PROJECT_VIEW projects). */
export const PROJECTS_PATH = '/projects';
/** `/repos`: every repository the caller can read, across projects. */
export const REPOS_PATH = '/repos';
/** `/users`: users visible to the caller (not to project or repository access tokens). */
export const USERS_PATH = '/users';

/** `/projects/{projectKey}`. */
export function projectPath(projectKey: string): string {
  return `/projects/${encode(projectKey)}`;
}

/** `/projects/{projectKey}/repos`. */
export function projectReposPath(projectKey: string): string {
  return `${projectPath(projectKey)}/repos`;
}

/** `/projects/{projectKey}/repos/{slug}`. */
export function repositoryPath(projectKey: string, slug: string): string {
  return `${projectReposPath(projectKey)}/${encode(slug)}`;
}

/** `/users/{userSlug}`. */
export function userPath(userSlug: string): string {
  return `${USERS_PATH}/${encode(userSlug)}`;
}

/** A repository's sub-resources, from its `PROJECT/slug` pair. */
export interface RepositoryRef {
  readonly projectKey: string;
  readonly slug: string;
}

/** `…/branches/default` (deprecated but the only one that names the tip commit; 204 for an empty repository). */
export function defaultBranchPath(repository: RepositoryRef): string {
  return `${repositoryPath(repository.projectKey, repository.slug)}/branches/default`;
}

/** `…/default-branch`: the configured default branch, even when it does not exist yet (no tip commit). */
export function configuredDefaultBranchPath(repository: RepositoryRef): string {
  return `${repositoryPath(repository.projectKey, repository.slug)}/default-branch`;
}

/** `…/commits`. */
export function commitsPath(repository: RepositoryRef): string {
  return `${repositoryPath(repository.projectKey, repository.slug)}/commits`;
}

/** `…/pull-requests`. */
export function pullRequestsPath(repository: RepositoryRef): string {
  return `${repositoryPath(repository.projectKey, repository.slug)}/pull-requests`;
}

/** `…/pull-requests/{id}/activities`. */
export function pullRequestActivitiesPath(repository: RepositoryRef, pullRequestId: number): string {
  return `${pullRequestsPath(repository)}/${pullRequestId}/activities`;
}

/** `…/pull-requests/{id}/commits`. */
export function pullRequestCommitsPath(repository: RepositoryRef, pullRequestId: number): string {
  return `${pullRequestsPath(repository)}/${pullRequestId}/commits`;
}

/** `…/tags`. */
export function tagsPath(repository: RepositoryRef): string {
  return `${repositoryPath(repository.projectKey, repository.slug)}/tags`;
}

/** `…/commits/{commitId}`. */
export function commitPath(repository: RepositoryRef, commitId: string): string {
  return `${commitsPath(repository)}/${encodeURIComponent(commitId)}`;
}
