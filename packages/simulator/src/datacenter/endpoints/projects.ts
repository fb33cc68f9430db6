/** `/projects`, `/projects/{key}`, `/projects/{key}/repos`, `/projects/{key}/repos/{slug}`, `/repos`, `/users`. */
import { LEVEL, type ProjectPermission, type RepositoryPermission } from '../auth.js';
import { compareText } from '../dataset.js';
import { dcErrors } from '../errors.js';
import type { ProjectRecord, RepositoryRecord, UserRecord } from '../model.js';
import { pageRequest, scanPage } from '../paging.js';
import { enumParam, requireProject, requireRepository, type EndpointContext, type EndpointResult } from './context.js';

const PROJECT_PERMISSIONS: readonly ProjectPermission[] = ['PROJECT_READ', 'PROJECT_WRITE', 'PROJECT_ADMIN'];
const REPO_PERMISSIONS: readonly RepositoryPermission[] = ['REPO_READ', 'REPO_WRITE', 'REPO_ADMIN'];

function contains(haystack: string, needle: string | null): boolean {
  return needle === null || needle === '' || haystack.toLowerCase().includes(needle.toLowerCase());
}

/** GET /projects: only projects the caller can view (PROJECT_VIEW), optionally by name and permission. */
export function listProjects(ctx: EndpointContext): EndpointResult {
  const raw = ctx.query.get('permission');
  if (raw && !PROJECT_PERMISSIONS.includes(raw as ProjectPermission)) throw dcErrors.invalid('permission', `The permission level ${raw} is unknown or not related to projects.`);
  const needed = raw ? LEVEL[raw as ProjectPermission] : 0;
  const name = ctx.query.get('name');
  const rows = ctx.ds.orderedProjects().filter((p) => contains(p.name, name));
  const visible = (p: ProjectRecord): boolean => (needed > 0 ? ctx.auth.projectLevel(ctx.principal, p) >= needed : ctx.auth.canViewProject(ctx.principal, p));
  return { body: scanPage(rows, pageRequest(ctx.query, ctx.switches.dataCenterMaxLimit.default), visible, (p) => ctx.shapes.project(p)) };
}

export function getProject(ctx: EndpointContext): EndpointResult {
  return { body: ctx.shapes.project(requireProject(ctx)) };
}

/** GET /projects/{key}/repos: the repositories of a project the caller can read. */
export function listProjectRepositories(ctx: EndpointContext): EndpointResult {
  const project = requireProject(ctx);
  const rows = ctx.ds.repositoriesOf(project);
  const visible = (r: RepositoryRecord): boolean => ctx.auth.repositoryLevel(ctx.principal, r) >= 1;
  return { body: scanPage(rows, pageRequest(ctx.query, ctx.switches.dataCenterMaxLimit.default), visible, (r) => ctx.shapes.repository(r)) };
}

export function getRepository(ctx: EndpointContext): EndpointResult {
  return { body: ctx.shapes.repository(requireRepository(ctx)) };
}

/** GET /repos: every repository the caller can read, by project name then repository name. */
export function listRepositories(ctx: EndpointContext): EndpointResult {
  const q = ctx.query;
  const permission = enumParam(q, 'permission', REPO_PERMISSIONS, 'REPO_READ');
  const visibility = q.get('visibility');
  if (visibility && visibility !== 'public' && visibility !== 'private') throw dcErrors.invalid('visibility', `Invalid visibility '${visibility}'; expected public or private.`);
  const state = enumParam(q, 'state', ['AVAILABLE', 'INITIALISING', 'INITIALISATION_FAILED', 'OFFLINE'] as const, 'AVAILABLE');
  const archived = enumParam(q, 'archived', ['ACTIVE', 'ARCHIVED', 'ALL'] as const, 'ACTIVE');
  const name = q.get('name');
  const projectName = q.get('projectname');
  const projectKey = q.get('projectkey');
  const rows: RepositoryRecord[] = [];
  if (visibility !== 'public' && archived !== 'ARCHIVED' && (!q.get('state') || state === 'AVAILABLE')) {
    for (const project of ctx.ds.orderedProjects()) {
      if (!contains(project.name, projectName)) continue;
      if (projectKey && project.key !== projectKey.toUpperCase()) continue;
      for (const r of ctx.ds.repositoriesOf(project)) if (contains(r.name, name)) rows.push(r);
    }
  }
  const needed = LEVEL[permission];
  const visible = (r: RepositoryRecord): boolean => ctx.auth.repositoryLevel(ctx.principal, r) >= needed;
  return { body: scanPage(rows, pageRequest(q, ctx.switches.dataCenterMaxLimit.default), visible, (r) => ctx.shapes.repository(r)) };
}

/** GET /users: a user-level endpoint; project and repository tokens (and anonymous callers) get 401. */
export function listUsers(ctx: EndpointContext): EndpointResult {
  if (ctx.principal.kind !== 'user') throw dcErrors.notPermitted();
  const q = ctx.query;
  const filter = q.get('filter');
  const predicates: ((u: UserRecord) => boolean)[] = [];
  const addPermission = (value: string, projectKey: string | null, slug: string | null): void => {
    if (value === 'LICENSED_USER' || value === 'PROJECT_VIEW') return;
    if (value === 'ADMIN' || value === 'SYS_ADMIN' || value === 'PROJECT_CREATE') {
      predicates.push((u) => u.sysAdmin);
      return;
    }
    if (PROJECT_PERMISSIONS.includes(value as ProjectPermission) || REPO_PERMISSIONS.includes(value as RepositoryPermission)) {
      const project = projectKey ? ctx.ds.project(projectKey) : undefined;
      if (!project) throw dcErrors.invalid('permission', `Permission ${value} requires a projectKey of an existing project.`);
      if (slug && !ctx.ds.repository(project.key, slug)) throw dcErrors.invalid('permission', `Repository ${project.key}/${slug} does not exist.`);
      const needed = LEVEL[value as ProjectPermission];
      predicates.push((u) => ctx.auth.userProjectLevel(u.idx, project) >= needed);
      return;
    }
    throw dcErrors.invalid('permission', `The permission ${value} is not a known permission.`);
  };
  const single = q.get('permission');
  if (single) addPermission(single, q.get('permission.projectKey') ?? q.get('projectKey'), q.get('permission.repositorySlug') ?? q.get('repositorySlug'));
  for (let n = 1; n <= 50; n++) {
    const value = q.get(`permission.${n}`);
    if (value) addPermission(value, q.get(`permission.${n}.projectKey`), q.get(`permission.${n}.repositorySlug`));
  }
  const rows = ctx.ds.users
    .filter((u) => !u.deleted && (contains(u.name, filter) || contains(u.displayName, filter) || contains(u.emailAddress, filter)) && predicates.every((p) => p(u)))
    .sort((a, b) => compareText(a.name, b.name));
  return { body: scanPage(rows, pageRequest(q, ctx.switches.dataCenterMaxLimit.default), () => true, (u) => ctx.shapes.user(u)) };
}

/**
 * GET /users/{userSlug}: one user (the Data Center connector asks it to confirm a user left the listing because
 * it is gone); 404 NoSuchUserException for deleted or unknown users. Tokens that cannot list users get 401.
 */
export function getUser(ctx: EndpointContext): EndpointResult {
  if (ctx.principal.kind !== 'user') throw dcErrors.notPermitted();
  const slug = ctx.params['userSlug'] ?? '';
  const user = ctx.ds.user(slug);
  if (!user) throw dcErrors.noSuchUser(slug);
  return { body: ctx.shapes.user(user) };
}

/** GET /application-properties: what connectors probe for the server version. */
export function applicationProperties(): EndpointResult {
  return { body: { version: '9.2.0', buildNumber: '9002000', buildDate: '1726113600000', displayName: 'Bitbucket' } };
}
