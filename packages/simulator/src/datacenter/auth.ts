/**
 * DC authentication and authorisation: Basic user + password, Basic user + personal access token, and Bearer
 * HTTP access tokens (personal, project, repository). "In Git and API calls, you can use the project and repository
 * level token only with Bearer authentication" [doc]; project and repository tokens cannot call user-level
 * endpoints (BSERV-19635).
 */
import type { SimCredential } from '../api.js';
import { Rng } from '../rng.js';
import type { Dataset } from './dataset.js';
import { dcErrors } from './errors.js';
import type { ProjectRecord, RepositoryRecord } from './model.js';

export type ProjectPermission = 'PROJECT_READ' | 'PROJECT_WRITE' | 'PROJECT_ADMIN';
export type RepositoryPermission = 'REPO_READ' | 'REPO_WRITE' | 'REPO_ADMIN';

/** Permission levels: 0 none, 1 read, 2 write, 3 admin. */
export const LEVEL: Readonly<Record<ProjectPermission | RepositoryPermission, number>> = {
  PROJECT_READ: 1, PROJECT_WRITE: 2, PROJECT_ADMIN: 3, REPO_READ: 1, REPO_WRITE: 2, REPO_ADMIN: 3,
};

export interface AccessToken {
  /** Sample-credential name for logs and counters (never the secret). */
  readonly label: string;
  readonly secret: string;
  readonly kind: 'personal' | 'project' | 'repository';
  /** Owner of a personal token. */
  readonly user?: number;
  readonly projectIdx?: number;
  readonly repositoryIdx?: number;
  /** Level granted on projects (personal, project tokens). */
  readonly projectLevel: number;
  /** Level granted on repositories. */
  readonly repositoryLevel: number;
  revoked: boolean;
}

export type Principal =
  | { readonly kind: 'anonymous'; readonly label: 'anonymous' }
  | { readonly kind: 'user'; readonly user: number; readonly token?: AccessToken; readonly label: string }
  | { readonly kind: 'project-token' | 'repository-token'; readonly token: AccessToken; readonly label: string };

/** Tokens and the sample credentials handed to tests. */
export class AuthRegistry {
  readonly tokens: AccessToken[] = [];
  readonly credentials: Record<string, SimCredential> = {};
  /** Labels of users' passwords in logs (`admin`, `user`, or `user:<slug>`). */
  readonly #passwordLabels = new Map<number, string>();

  constructor(private readonly ds: Dataset) {
    const rng = new Rng(ds.seed).fork('tokens');
    const secret = (): string => `BBDC-${Buffer.from(rng.hex(64), 'hex').toString('base64').replace(/[+/=]/g, '').slice(0, 40)}`;
    const admin = ds.users[0];
    const regular = ds.users[1];
    if (!admin || !regular) throw new Error('the dataset needs at least two users');
    this.#passwordLabels.set(admin.idx, 'admin');
    this.#passwordLabels.set(regular.idx, 'user');
    const ordered = ds.orderedProjects();
    const tokenProject = ordered[0];
    const repoForToken = ds.repositories.find((r) => r.commits.length > 0 && r.projectIdx !== tokenProject?.idx) ?? ds.repositories.find((r) => r.commits.length > 0) ?? ds.repositories[0];

    const personal = this.#add({ label: 'userToken', secret: secret(), kind: 'personal', user: regular.idx, projectLevel: 1, repositoryLevel: 1, revoked: false });
    const bearerPersonal = this.#add({ label: 'bearerPersonal', secret: secret(), kind: 'personal', user: admin.idx, projectLevel: 1, repositoryLevel: 1, revoked: false });
    const revoked = this.#add({ label: 'revokedToken', secret: secret(), kind: 'personal', user: regular.idx, projectLevel: 1, repositoryLevel: 1, revoked: true });
    const noRepoRead = this.#add({ label: 'noRepoReadToken', secret: secret(), kind: 'personal', user: regular.idx, projectLevel: 0, repositoryLevel: 0, revoked: false });
    // The description doubles as the credential's name in the request log and counters.
    const add = (name: string, config: SimCredential['config'], scopes: string[]): void => {
      this.credentials[name] = { description: name, config, scopes };
    };
    add('admin', { username: admin.name, password: admin.password }, ['SYS_ADMIN']);
    add('user', { username: regular.name, password: regular.password }, ['LICENSED_USER']);
    add('userToken', { username: regular.name, password: personal.secret }, ['PROJECT_READ', 'REPO_READ']);
    add('bearerPersonal', { accessToken: bearerPersonal.secret }, ['PROJECT_READ', 'REPO_READ']);
    add('noRepoReadToken', { accessToken: noRepoRead.secret }, []);
    add('revokedToken', { accessToken: revoked.secret }, []);
    add('wrongPassword', { username: admin.name, password: `${admin.password}-wrong` }, []);
    if (tokenProject) {
      const projectToken = this.#add({ label: 'projectToken', secret: secret(), kind: 'project', projectIdx: tokenProject.idx, projectLevel: 1, repositoryLevel: 1, revoked: false });
      add('projectToken', { accessToken: projectToken.secret }, ['PROJECT_READ', `project:${tokenProject.key}`]);
    }
    if (repoForToken) {
      const repoToken = this.#add({ label: 'repoToken', secret: secret(), kind: 'repository', repositoryIdx: repoForToken.idx, projectLevel: 0, repositoryLevel: 1, revoked: false });
      const project = ds.projects[repoForToken.projectIdx];
      add('repoToken', { accessToken: repoToken.secret }, ['REPO_READ', `repository:${project?.key ?? ''}/${repoForToken.slug}`]);
    }
  }

  #add(token: AccessToken): AccessToken {
    this.tokens.push(token);
    return token;
  }

  /** Registers a token created through the control API. */
  addToken(token: AccessToken): void {
    this.tokens.push(token);
  }

  labelForUser(user: number): string {
    return this.#passwordLabels.get(user) ?? `user:${this.ds.users[user]?.slug ?? user}`;
  }

  /** The principal of a request, or throws the 401 for bad credentials. */
  authenticate(authorization: string | undefined): Principal {
    if (!authorization) return { kind: 'anonymous', label: 'anonymous' };
    const space = authorization.indexOf(' ');
    const scheme = authorization.slice(0, space).toLowerCase();
    const value = authorization.slice(space + 1).trim();
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw dcErrors.badCredentials();
      const user = this.ds.user(decoded.slice(0, colon));
      const password = decoded.slice(colon + 1);
      if (!user) throw dcErrors.badCredentials();
      if (password === user.password) return { kind: 'user', user: user.idx, label: this.labelForUser(user.idx) };
      // Personal access tokens also work as the Basic password; project and repository tokens do not.
      const token = this.tokens.find((t) => t.kind === 'personal' && !t.revoked && t.user === user.idx && t.secret === password);
      if (token) return { kind: 'user', user: user.idx, token, label: token.label };
      throw dcErrors.badCredentials();
    }
    if (scheme === 'bearer') {
      const token = this.tokens.find((t) => t.secret === value && !t.revoked);
      if (!token) throw dcErrors.badCredentials();
      if (token.kind === 'personal') {
        const owner = token.user === undefined ? undefined : this.ds.users[token.user];
        if (!owner || owner.deleted) throw dcErrors.badCredentials();
        return { kind: 'user', user: owner.idx, token, label: token.label };
      }
      const project = token.projectIdx === undefined ? undefined : this.ds.projects[token.projectIdx];
      const repository = token.repositoryIdx === undefined ? undefined : this.ds.repositories[token.repositoryIdx];
      // Tokens die with the project or repository they belong to.
      if ((project && project.deleted) || (repository && repository.deleted)) throw dcErrors.badCredentials();
      return { kind: token.kind === 'project' ? 'project-token' : 'repository-token', token, label: token.label };
    }
    throw dcErrors.badCredentials();
  }

  /** The user's own level on a project, before any token narrows it. */
  userProjectLevel(user: number, project: ProjectRecord): number {
    const record = this.ds.users[user];
    if (!record || record.deleted) return 0;
    if (record.sysAdmin) return 3;
    if (project.writers.has(user)) return 2;
    return project.restricted ? 0 : 1;
  }

  /** Level on a project (PROJECT_READ = 1 ...). */
  projectLevel(principal: Principal, project: ProjectRecord): number {
    switch (principal.kind) {
      case 'anonymous':
        return 0;
      case 'user': {
        const own = this.userProjectLevel(principal.user, project);
        return principal.token ? Math.min(own, principal.token.projectLevel) : own;
      }
      case 'project-token':
        return principal.token.projectIdx === project.idx ? principal.token.projectLevel : 0;
      case 'repository-token':
        return 0;
    }
  }

  /** Level on a repository (REPO_READ = 1 ...); project permissions imply repository permissions. */
  repositoryLevel(principal: Principal, repository: RepositoryRecord): number {
    const project = this.ds.projects[repository.projectIdx];
    if (!project) return 0;
    switch (principal.kind) {
      case 'anonymous':
        return 0;
      case 'user': {
        const own = this.userProjectLevel(principal.user, project);
        return principal.token ? Math.min(own, Math.max(principal.token.projectLevel, principal.token.repositoryLevel)) : own;
      }
      case 'project-token':
        return principal.token.projectIdx === project.idx ? Math.max(principal.token.projectLevel, principal.token.repositoryLevel) : 0;
      case 'repository-token':
        return principal.token.repositoryIdx === repository.idx ? principal.token.repositoryLevel : 0;
    }
  }

  /** PROJECT_VIEW: a project permission, or a permission on any of its repositories. */
  canViewProject(principal: Principal, project: ProjectRecord): boolean {
    if (this.projectLevel(principal, project) > 0) return true;
    return this.ds.repositoriesOf(project).some((r) => this.repositoryLevel(principal, r) > 0);
  }
}
