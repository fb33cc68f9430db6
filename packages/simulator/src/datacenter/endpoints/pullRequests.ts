/** Pull requests, their activities, commits and participants. */
import { pullRequestRecord } from '../derive.js';
import { dcErrors } from '../errors.js';
import { branchRef, type PullRequestState } from '../model.js';
import { pageOf, pageRequest } from '../paging.js';
import { enumParam, requirePullRequest, requireRepository, type EndpointContext, type EndpointResult } from './context.js';

/**
 * GET …/pull-requests: `state` (OPEN by default, ALL for every state), `order` NEWEST (default) | OLDEST,
 * `direction`, `at`, `filterText`. Whether NEWEST sorts by created or updated date is undocumented: the
 * `dataCenterNewestOrderBy` switch decides (OLDEST is the same key ascending).
 */
export function listPullRequests(ctx: EndpointContext): EndpointResult {
  const repository = requireRepository(ctx);
  const q = ctx.query;
  const state = enumParam(q, 'state', ['ALL', 'OPEN', 'DECLINED', 'MERGED'] as const, 'OPEN');
  const order = enumParam(q, 'order', ['NEWEST', 'OLDEST'] as const, 'NEWEST');
  const direction = enumParam(q, 'direction', ['INCOMING', 'OUTGOING'] as const, 'INCOMING');
  const at = q.get('at');
  const filterText = q.get('filterText')?.toLowerCase();
  const prs = ctx.ds.pullRequests;
  const key = ctx.switches.dataCenterNewestOrderBy === 'created' ? prs.created : prs.updated;
  let rows = repository.pullRequests.filter((row) => state === 'ALL' || prs.stateOf(row) === (state as PullRequestState));
  if (at || filterText) {
    rows = rows.filter((row) => {
      const pr = pullRequestRecord(ctx.ds, row);
      if (at && branchRef(direction === 'INCOMING' ? pr.toBranch : pr.fromBranch) !== branchRef(at)) return false;
      if (filterText && !`${pr.title}\n${pr.description}`.toLowerCase().includes(filterText)) return false;
      return true;
    });
  }
  const sign = order === 'NEWEST' ? -1 : 1;
  rows.sort((a, b) => sign * (key.get(a) - key.get(b) || prs.localId.get(a) - prs.localId.get(b)));
  return { body: pageOf(rows, pageRequest(q, ctx.switches.dataCenterMaxLimit.default), (row) => ctx.shapes.pullRequest(pullRequestRecord(ctx.ds, row))) };
}

export function getPullRequest(ctx: EndpointContext): EndpointResult {
  return { body: ctx.shapes.pullRequest(requirePullRequest(ctx).pr) };
}

/** GET …/activities: newest first; `fromId` + `fromType` (COMMENT | ACTIVITY) start the page at that item. */
export function listActivities(ctx: EndpointContext): EndpointResult {
  const { pr } = requirePullRequest(ctx);
  let items = [...pr.activities].reverse();
  const fromIdRaw = ctx.query.get('fromId');
  if (fromIdRaw) {
    const fromType = enumParam(ctx.query, 'fromType', ['COMMENT', 'ACTIVITY'] as const, 'ACTIVITY');
    if (!ctx.query.get('fromType')) throw dcErrors.invalid('fromType', 'fromType is required when fromId is supplied.');
    const fromId = Number(fromIdRaw);
    const index = items.findIndex((a) => (fromType === 'ACTIVITY' ? a.id === fromId : a.action === 'COMMENTED' && a.commentAction === 'ADDED' && a.commentId === fromId));
    if (index < 0) throw dcErrors.invalid('fromId', `No ${fromType.toLowerCase()} with id ${fromIdRaw} exists on this pull request.`);
    items = items.slice(index);
  }
  return { body: pageOf(items, pageRequest(ctx.query, ctx.switches.dataCenterMaxLimit.activities), (a) => ctx.shapes.activity(pr, a)) };
}

/** GET …/commits: the pull request's commits, newest first; 404 when they are gone (a rewritten source). */
export function listPullRequestCommits(ctx: EndpointContext): EndpointResult {
  const { repository, pr } = requirePullRequest(ctx);
  const commits = ctx.ds.commits;
  const missing = pr.commits.find((row) => commits.alive.get(row) !== 1);
  if (pr.commitsGone || missing !== undefined) {
    const tip = pr.commits[pr.commits.length - 1];
    throw dcErrors.noSuchCommit(tip === undefined ? pr.fromBranch : commits.hash(tip), repository.slug);
  }
  const rows = [...pr.commits].reverse();
  const page = pageOf(rows, pageRequest(ctx.query, ctx.switches.dataCenterMaxLimit.commits), (row) => ctx.shapes.commit(row));
  if (ctx.query.get('withCounts') !== 'true') return { body: page };
  return { body: { ...page, authorCount: new Set(rows.map((row) => commits.author.get(row))).size, totalCount: rows.length } };
}

/** GET …/participants: author, reviewers and other participants. */
export function listParticipants(ctx: EndpointContext): EndpointResult {
  const { pr } = requirePullRequest(ctx);
  const all = [
    ctx.shapes.participant({ user: pr.author, status: 'UNAPPROVED', lastReviewedCommit: -1 }, 'AUTHOR'),
    ...pr.reviewers.map((r) => ctx.shapes.participant(r, 'REVIEWER')),
    ...pr.participants.map((p) => ctx.shapes.participant(p, 'PARTICIPANT')),
  ];
  return { body: pageOf(all, pageRequest(ctx.query, ctx.switches.dataCenterMaxLimit.default), (p) => p) };
}

