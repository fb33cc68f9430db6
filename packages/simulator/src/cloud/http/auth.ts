/**
 * Cloud authentication as the real API does it:
 * - `Authorization: Bearer <access token>`: repository, project and workspace access tokens, each its own
 *   "user" with its own scopes (legacy scope names: repository, pullrequest, pipeline, account, webhook...).
 * - `Authorization: Basic email:apiToken`: a user's API token with granular scopes (read:repository:bitbucket).
 * - `Authorization: Basic username:appPassword`: app passwords, fully removed on 2026-07-28: 401.
 */
import type { SimCredential } from '../../api.js';
import { hexOf, saltOf } from '../model/hash.js';
import type { CloudData } from '../model/store.js';

export type CredentialType = 'workspace_access_token' | 'project_access_token' | 'repo_access_token' | 'api_token' | 'app_password';

export interface CloudIdentity {
  /** Sample credential name (`workspaceToken`, `apiToken`...), used in logs and counters. */
  readonly name: string;
  readonly type: CredentialType;
  readonly scopes: ReadonlySet<string>;
  /** Repository index a repository access token is bound to. */
  readonly repository?: number;
  /** Project index a project access token is bound to. */
  readonly project?: number;
  /** Member index for API tokens and app passwords (the user). */
  readonly member?: number;
  /** Whose budget it spends: the token itself, or the user for API tokens. */
  readonly rateKey: string;
  /** Workspace admin (sees emails when asked, filters members by email). */
  readonly admin: boolean;
  revoked: boolean;
  readonly secret: string;
  readonly username?: string;
}

/** Endpoint scope: the legacy OAuth/access-token scope and the API-token granular scope. */
export interface ScopeRequirement {
  readonly legacy: string;
  readonly granular: string;
}

export const SCOPES = {
  repository: { legacy: 'repository', granular: 'read:repository:bitbucket' },
  pullrequest: { legacy: 'pullrequest', granular: 'read:pullrequest:bitbucket' },
  pipeline: { legacy: 'pipeline', granular: 'read:pipeline:bitbucket' },
  account: { legacy: 'account', granular: 'read:workspace:bitbucket' },
  user: { legacy: 'account', granular: 'read:user:bitbucket' },
  webhook: { legacy: 'webhook', granular: 'read:webhook:bitbucket' },
  webhookWrite: { legacy: 'webhook', granular: 'write:webhook:bitbucket' },
  /** Endpoints any credential may call (spec security `oauth2: []`, e.g. `GET /workspaces/{workspace}`). */
  none: { legacy: '', granular: '' },
} as const satisfies Record<string, ScopeRequirement>;

/** Legacy scopes imply others ("pullrequest" includes read access to repositories, and so on). */
const IMPLIES: Readonly<Record<string, readonly string[]>> = {
  'repository:admin': ['repository:write'],
  'repository:write': ['repository'],
  'repository:delete': ['repository'],
  'pullrequest:write': ['pullrequest', 'repository:write'],
  pullrequest: ['repository'],
  'project:admin': ['project'],
  project: ['repository'],
  'pipeline:write': ['pipeline'],
  'pipeline:variable': ['pipeline'],
  'account:write': ['account'],
  'webhook:write': ['webhook'],
};

function expand(scopes: readonly string[]): Set<string> {
  const out = new Set<string>();
  const stack = [...scopes];
  while (stack.length > 0) {
    const scope = stack.pop() as string;
    if (out.has(scope)) continue;
    out.add(scope);
    stack.push(...(IMPLIES[scope] ?? []));
  }
  return out;
}

export function hasScope(identity: CloudIdentity, required: ScopeRequirement): boolean {
  if (required.legacy === '') return true;
  if (identity.type === 'api_token') return identity.scopes.has(required.granular);
  return identity.scopes.has(required.legacy);
}

const ALL_ACCESS_TOKEN_SCOPES = ['repository:admin', 'repository:delete', 'pullrequest:write', 'pipeline:write', 'pipeline:variable', 'webhook', 'account', 'project:admin', 'runner'];
const API_TOKEN_SCOPES = [
  'read:repository:bitbucket',
  'read:pullrequest:bitbucket',
  'read:pipeline:bitbucket',
  'read:workspace:bitbucket',
  'read:user:bitbucket',
  'read:project:bitbucket',
  'read:webhook:bitbucket',
  'write:webhook:bitbucket',
];

/** The simulator's accepted credentials, with sample entries for tests (handle.credentials). */
export class CloudCredentials {
  readonly #byBearer = new Map<string, CloudIdentity>();
  readonly #byBasic = new Map<string, CloudIdentity>();
  readonly #samples: Record<string, SimCredential> = {};
  readonly #data: CloudData;

  constructor(data: CloudData) {
    this.#data = data;
    const seed = data.seed;
    const tokenOf = (prefix: string, name: string): string => `${prefix}${hexOf(48, seed, saltOf(name)).toUpperCase()}=${hexOf(8, seed, saltOf(name), 2).toUpperCase()}`;
    const bearer = (name: string, type: CredentialType, scopes: string[], description: string, bound: { repository?: number; project?: number } = {}, revoked = false): void => {
      const secret = tokenOf('ATCTT3xFfGN0', name);
      const identity: CloudIdentity = { name, type, scopes: expand(scopes), rateKey: `token:${name}`, admin: type === 'workspace_access_token', revoked, secret, ...bound };
      this.#byBearer.set(secret, identity);
      this.#samples[name] = { description, config: { accessToken: secret }, scopes };
    };
    const admin = data.members[0];
    const other = data.members[1];
    bearer('workspaceToken', 'workspace_access_token', ALL_ACCESS_TOKEN_SCOPES, 'workspace access token with every scope (incl. account)');
    bearer('workspaceToken2', 'workspace_access_token', ALL_ACCESS_TOKEN_SCOPES, 'a second workspace access token (its own rate-limit budget)');
    bearer('projectToken', 'project_access_token', ['repository', 'pullrequest', 'pipeline', 'webhook', 'project'], `project access token for project ${data.projects[0]?.key ?? ''}`, { project: 0 });
    bearer('repoToken', 'repo_access_token', ['repository', 'pullrequest', 'pipeline', 'webhook'], `repository access token for ${data.workspace.slug}/${data.repositories[0]?.slug ?? ''}`, { repository: 0 });
    bearer('noPipelines', 'workspace_access_token', ['repository', 'pullrequest', 'webhook', 'account', 'project'], 'workspace access token without the pipeline scope');
    bearer('readOnly', 'workspace_access_token', ['repository'], 'workspace access token with the repository scope only');
    bearer('revoked', 'workspace_access_token', ALL_ACCESS_TOKEN_SCOPES, 'a revoked workspace access token (401)', {}, true);
    const basic = (name: string, type: CredentialType, memberIndex: number, username: string, scopes: string[], description: string): void => {
      const secret = type === 'api_token' ? tokenOf('ATATT3xFfGF0', name) : hexOf(20, seed, saltOf(name));
      const identity: CloudIdentity = {
        name,
        type,
        scopes: new Set(scopes),
        member: memberIndex,
        rateKey: `user:${memberIndex}`,
        admin: data.members[memberIndex]?.isAdmin ?? false,
        revoked: false,
        secret,
        username,
      };
      this.#byBasic.set(`${username.toLowerCase()}:${secret}`, identity);
      this.#samples[name] =
        type === 'api_token'
          ? { description, config: { email: username, apiToken: secret }, scopes }
          : { description, config: { username, password: secret }, scopes };
    };
    if (admin) {
      basic('apiToken', 'api_token', 0, admin.email, API_TOKEN_SCOPES, `API token of ${admin.displayName} (workspace admin)`);
      basic('apiTokenSameUser', 'api_token', 0, admin.email, API_TOKEN_SCOPES, `a second API token of ${admin.displayName} (shares the user's budget)`);
      basic('appPassword', 'app_password', 0, admin.nickname, [], 'an app password (removed 2026-07-28: 401)');
    }
    if (other) {
      basic('apiTokenMember', 'api_token', 1, other.email, API_TOKEN_SCOPES.filter((s) => !s.startsWith('write:')), `API token of ${other.displayName} (not an admin)`);
      basic('apiTokenNoPipelines', 'api_token', 1, other.email, API_TOKEN_SCOPES.filter((s) => s !== 'read:pipeline:bitbucket'), `API token of ${other.displayName} without read:pipeline:bitbucket`);
    }
  }

  samples(): Readonly<Record<string, SimCredential>> {
    return this.#samples;
  }

  byName(name: string): CloudIdentity | undefined {
    for (const identity of [...this.#byBearer.values(), ...this.#byBasic.values()]) if (identity.name === name) return identity;
    return undefined;
  }

  /**
   * Resolves an Authorization header: the identity, 'anonymous' (no header) or 'invalid' (unknown secret).
   */
  resolve(header: string | undefined): CloudIdentity | 'anonymous' | 'invalid' {
    if (!header) return 'anonymous';
    const [scheme, value = ''] = header.trim().split(/\s+/, 2);
    if (scheme?.toLowerCase() === 'bearer') return this.#byBearer.get(value) ?? 'invalid';
    if (scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return 'invalid';
      const user = decoded.slice(0, colon).toLowerCase();
      return this.#byBasic.get(`${user}:${decoded.slice(colon + 1)}`) ?? 'invalid';
    }
    return 'invalid';
  }

  /** Whether the identity may see the repository at all. */
  canSee(identity: CloudIdentity, repositoryIndex: number): boolean {
    if (identity.repository !== undefined) return identity.repository === repositoryIndex;
    if (identity.project !== undefined) return this.#data.repositories[repositoryIndex]?.project === identity.project;
    return true;
  }
}
