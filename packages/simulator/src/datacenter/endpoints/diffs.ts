/**
 * Endpoints a real Data Center client used that the simulator lacked (DC 9.2 spec paths):
 * `GET /projects/{key}/permissions/users` (explicit project permissions; PROJECT_ADMIN to call),
 * `GET …/pull-requests/{id}.diff` (unified text), `GET …/pull-requests/{id}/diff` (RestDiff JSON) and
 * `GET …/pull-requests/{id}/changes` (paged RestChange).
 */
import { pullRequestDiff, restChange, unifiedDiff } from '../diffs.js';
import { dcErrors } from '../errors.js';
import { pullRequestFileChanges } from '../fidelity.js';
import { hashInts } from '../hash.js';
import type { ProjectRecord, PullRequestRecord, UserRecord } from '../model.js';
import { pageOf, pageRequest } from '../paging.js';
import { requireProject, requirePullRequest, type EndpointContext, type EndpointResult } from './context.js';

export function listProjectUserPermissions(ctx: EndpointContext): EndpointResult {
  const project = requireProject(ctx);
  if (ctx.auth.projectLevel(ctx.principal, project) < 3) throw dcErrors.notPermitted();
  const filter = ctx.query.get('filter')?.toLowerCase();
  const granted = ctx.ds.users
    .filter((u) => !u.deleted && project.writers.has(u.idx))
    .filter((u) => filter === undefined || `${u.name}\n${u.displayName}\n${u.emailAddress}`.toLowerCase().includes(filter));
  return { body: pageOf(granted, pageRequest(ctx.query, ctx.switches.dataCenterMaxLimit.default), (u: UserRecord) => ({ user: ctx.shapes.user(u), permission: 'PROJECT_WRITE' })) };
}

/** The compared range: `fromHash` the base the source left the target at, `toHash` the source tip (DC's naming). */
function ends(ctx: EndpointContext, pr: PullRequestRecord): { fromHash: string; toHash: string } {
  const commits = ctx.ds.commits;
  const tip = pr.commits[pr.commits.length - 1];
  const base = pr.commits[0] !== undefined ? commits.parent1.get(pr.commits[0]) : -1;
  return { fromHash: base >= 0 ? commits.hash(base) : '', toHash: tip !== undefined ? commits.hash(tip) : '' };
}

export function pullRequestDiffJson(ctx: EndpointContext): EndpointResult {
  const { pr } = requirePullRequest(ctx);
  const { fromHash, toHash } = ends(ctx, pr);
  const contextLines = Number(ctx.query.get('contextLines') ?? 10);
  return { body: pullRequestDiff(pullRequestFileChanges(ctx.ds, pr), fromHash, toHash, Number.isFinite(contextLines) ? contextLines : 10) };
}

export function pullRequestDiffText(ctx: EndpointContext): EndpointResult {
  const { pr } = requirePullRequest(ctx);
  return { body: unifiedDiff(pullRequestFileChanges(ctx.ds, pr)), contentType: 'text/plain;charset=UTF-8' };
}

export function listPullRequestChanges(ctx: EndpointContext): EndpointResult {
  const { repository, pr } = requirePullRequest(ctx);
  const project = ctx.ds.projects[repository.projectIdx] as ProjectRecord;
  const { fromHash, toHash } = ends(ctx, pr);
  const changes = pullRequestFileChanges(ctx.ds, pr);
  const content = (path: string, side: number): string => [0, 1, 2, 3, 4].map((w) => hashInts(ctx.ds.seed, pr.row, side, w, ...[...path].map((c) => c.charCodeAt(0)).slice(0, 8)).toString(16).padStart(8, '0')).join('');
  const browse = (path: string): string => `${ctx.shapes.baseUrl}/projects/${project.key}/repos/${repository.slug}/browse/${path}?at=${toHash}`;
  const page = pageOf(changes, pageRequest(ctx.query, ctx.switches.dataCenterMaxLimit.default), (c) => restChange(c, content(c.path, 1), content(c.path, 0), browse(c.path)));
  // "changes" pages carry the range they compare (spec RestChange page: fromHash, toHash, properties).
  return { body: { fromHash, toHash, properties: { changeScope: 'ALL' }, ...page } };
}
