/** What every endpoint handler receives, and the lookups they share. */
import type { SimSwitches } from '../../api.js';
import type { AuthRegistry, Principal } from '../auth.js';
import type { Dataset } from '../dataset.js';
import { pullRequestRecord } from '../derive.js';
import { dcErrors } from '../errors.js';
import type { ProjectRecord, PullRequestRecord, RepositoryRecord } from '../model.js';
import type { Shapes } from '../shapes.js';

export interface EndpointContext {
  readonly ds: Dataset;
  readonly auth: AuthRegistry;
  readonly principal: Principal;
  readonly shapes: Shapes;
  readonly switches: SimSwitches;
  readonly query: URLSearchParams;
  /** Path parameters by template name (`projectKey`, `repositorySlug`, ...), URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
}

/** A handler's answer: 200 with a JSON body unless told otherwise. */
export interface EndpointResult {
  readonly status?: number;
  readonly body?: unknown;
  /** For non-JSON answers (`….diff` is text/plain). @default JSON */
  readonly contentType?: string;
}

export type EndpointHandler = (ctx: EndpointContext) => EndpointResult;

function param(ctx: EndpointContext, name: string): string {
  return ctx.params[name] ?? '';
}

/** The project named in the path: 404 if missing, 401 if the caller cannot view it. */
export function requireProject(ctx: EndpointContext): ProjectRecord {
  const key = param(ctx, 'projectKey');
  const project = ctx.ds.project(key);
  if (!project) throw dcErrors.noSuchProject(key);
  if (!ctx.auth.canViewProject(ctx.principal, project)) throw dcErrors.notPermittedProject(project.key);
  return project;
}

/** The repository named in the path: 404 if missing, 401 without REPO_READ. */
export function requireRepository(ctx: EndpointContext): RepositoryRecord {
  const key = param(ctx, 'projectKey');
  const slug = param(ctx, 'repositorySlug');
  const project = ctx.ds.project(key);
  if (!project) throw dcErrors.noSuchProject(key);
  const repository = ctx.ds.repository(key, slug);
  if (!repository) throw dcErrors.noSuchRepository(project.key, slug);
  if (ctx.auth.repositoryLevel(ctx.principal, repository) < 1) throw dcErrors.notPermittedRepository(project.key, repository.slug);
  return repository;
}

/** The pull request named in the path. */
export function requirePullRequest(ctx: EndpointContext): { repository: RepositoryRecord; pr: PullRequestRecord } {
  const repository = requireRepository(ctx);
  const raw = param(ctx, 'pullRequestId');
  const id = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  const project = ctx.ds.projects[repository.projectIdx] as ProjectRecord;
  const prs = ctx.ds.pullRequests;
  const row = Number.isNaN(id) ? undefined : repository.pullRequests.find((r) => prs.localId.get(r) === id);
  if (row === undefined) throw dcErrors.noSuchPullRequest(raw, project.key, repository.slug);
  return { repository, pr: pullRequestRecord(ctx.ds, row) };
}

/** A boolean query parameter (`true`/`false`), or the default. */
export function flag(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  return raw.toLowerCase() === 'true';
}

/** An enum query parameter (case-insensitive), 400 for unknown values. */
export function enumParam<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[], fallback: T): T {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const match = allowed.find((a) => a.toLowerCase() === raw.toLowerCase());
  if (!match) throw dcErrors.invalid(name, `Invalid value '${raw}' for ${name}; expected one of ${allowed.join(', ')}.`);
  return match;
}
