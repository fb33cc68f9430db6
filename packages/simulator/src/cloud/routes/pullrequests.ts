/** Pull requests, their activity, comments and commits. */
import type { SimResponse } from '../../server.js';
import type { Call } from '../http/call.js';
import { queryPaths } from '../http/bbql.js';
import { fail, ok } from '../http/errors.js';
import { cursorPage, listPage, readPagelen } from '../http/pages.js';
import { pullRequestEvents, type PrEvent } from '../model/activity.js';
import { pullRequestCommits } from '../model/derive.js';
import { PR_STATES, PrState, type RepositoryState } from '../model/store.js';
import { renderCommit } from '../render/commit.js';
import { renderActivity, renderComment, renderPullRequest } from '../render/pullrequest.js';
import { filterAndSort, hasSortOrQuery, readQuery, requireRepository } from './common.js';

const PR_FIELDS = [
  'id', 'title', 'description', 'state', 'author', 'source', 'destination', 'merge_commit', 'comment_count', 'task_count',
  'close_source_branch', 'closed_by', 'reason', 'created_on', 'updated_on', 'reviewers', 'participants', 'links', 'summary',
  'rendered', 'draft', 'queued', 'type',
];
const COMMENT_FIELDS = ['id', 'created_on', 'updated_on', 'content', 'user', 'deleted', 'inline', 'parent', 'pullrequest', 'links', 'type', 'pending'];

/** List items are condensed: "reviewers and participants ... are included from the self URL, but not from the collection". */
export const PULL_REQUEST_LIST_HIDDEN = ['values.reviewers', 'values.participants'];

function requirePullRequest(call: Call, repo: RepositoryState): number {
  const raw = call.params['id'] ?? '';
  const index = /^\d+$/.test(raw) ? Number(raw) - 1 : -1;
  if (index < 0 || index >= repo.pullRequests.length) fail(404, 'Pull request not found');
  return index;
}

export function listPullRequests(call: Call): SimResponse {
  const repo = requireRepository(call);
  const pagelen = readPagelen(call, { defaultValue: 10, max: 50 });
  const states = call.query.getAll('state').map((s) => s.toUpperCase());
  for (const s of states) if (!(PR_STATES as readonly string[]).includes(s)) fail(400, `Invalid state: ${s}`);
  const query = readQuery(call, PR_FIELDS);
  // Only OPEN by default, unless the request filters by state itself: with `state=` or with a `q` that names
  // `state` (`q=state="MERGED"` returns merged pull requests: Atlassian staff answer, community.atlassian.com
  // qaq-p/1901589).
  const stateInQuery = query !== undefined && queryPaths(query).some((path) => path.length === 1 && path[0] === 'state');
  const wanted = new Set(states.length > 0 ? states : stateInQuery ? PR_STATES : ['OPEN']);
  const prs = repo.pullRequests;
  const indices: number[] = [];
  // Newest first (by id).
  for (let i = prs.length - 1; i >= 0; i--) if (wanted.has(PR_STATES[prs.state[i] as number] as string)) indices.push(i);
  const render = (i: number): Record<string, unknown> => renderPullRequest(call.ctx, repo, i, pullRequestEvents(call.ctx.data, repo, i));
  if (!hasSortOrQuery(call)) return ok(listPage(call, indices.length, (k) => render(indices[k] as number), pagelen));
  const rendered = indices.map((i) => render(i));
  const selected = filterAndSort(call, rendered, (x) => x, query, PR_FIELDS);
  return ok(listPage(call, selected.length, (k) => selected[k], pagelen));
}

export function getPullRequest(call: Call): SimResponse {
  const repo = requireRepository(call);
  const index = requirePullRequest(call, repo);
  return ok(renderPullRequest(call.ctx, repo, index, pullRequestEvents(call.ctx.data, repo, index)));
}

/** Events as the activity log shows them: withdrawn approvals disappear. */
export function visibleActivity(events: readonly PrEvent[]): PrEvent[] {
  const out: PrEvent[] = [];
  for (const event of events) {
    if (event.kind === 'unapproval') {
      for (let k = out.length - 1; k >= 0; k--) {
        const prior = out[k] as PrEvent;
        if (prior.kind === 'approval' && prior.user === event.user) {
          out.splice(k, 1);
          break;
        }
      }
      continue;
    }
    out.push(event);
  }
  return out;
}

export function pullRequestActivity(call: Call): SimResponse {
  const repo = requireRepository(call);
  const index = requirePullRequest(call, repo);
  const pagelen = readPagelen(call, { defaultValue: 10, max: 50 });
  const events = visibleActivity(pullRequestEvents(call.ctx.data, repo, index)).reverse();
  const positions = events.map((_, k) => k);
  const body = cursorPage(
    call,
    `activity:${repo.uuid}:${index}`,
    positions,
    (decoded) => decoded?.[0] ?? 0,
    (k) => [k],
    1,
    (k) => renderActivity(call.ctx, repo, index, events[k] as PrEvent),
    pagelen,
    'ctx',
  );
  return ok(body);
}

/** The repository-wide activity feed (newest first unless the switch says otherwise). */
export function repositoryActivity(call: Call): SimResponse {
  const repo = requireRepository(call);
  const pagelen = readPagelen(call, { defaultValue: 10, max: 50 });
  const all: { pr: number; event: PrEvent }[] = [];
  for (let i = 0; i < repo.pullRequests.length; i++) {
    for (const event of visibleActivity(pullRequestEvents(call.ctx.data, repo, i))) all.push({ pr: i, event });
  }
  all.sort((a, b) => a.event.at - b.event.at || a.pr - b.pr);
  if (call.state.switches.cloudActivityFeedNewestFirst) all.reverse();
  const positions = all.map((_, k) => k);
  return ok(
    cursorPage(
      call,
      `repo-activity:${repo.uuid}`,
      positions,
      (decoded) => decoded?.[0] ?? 0,
      (k) => [k],
      1,
      (k) => {
        const item = all[k] as { pr: number; event: PrEvent };
        return renderActivity(call.ctx, repo, item.pr, item.event);
      },
      pagelen,
      'ctx',
    ),
  );
}

export function pullRequestComments(call: Call): SimResponse {
  const repo = requireRepository(call);
  const index = requirePullRequest(call, repo);
  const pagelen = readPagelen(call, { defaultValue: 10, max: call.state.switches.cloudMaxPagelen.comments });
  const comments = pullRequestEvents(call.ctx.data, repo, index)
    .filter((e) => e.kind === 'comment')
    .sort((a, b) => (a.commentId as number) - (b.commentId as number))
    .map((e) => renderComment(call.ctx, repo, index, e));
  const query = readQuery(call, COMMENT_FIELDS);
  const selected = filterAndSort(call, comments, (x) => x, query, COMMENT_FIELDS);
  return ok(listPage(call, selected.length, (k) => selected[k], pagelen));
}

/**
 * "The commits that are being merged into the destination branch", newest first, with opaque page tokens.
 * When the source branch is gone (declined with close_source_branch), some pull requests answer 404 and
 * others an empty list, as both are seen in the wild (spec: empty; DevLake ignores 404 here).
 */
export function pullRequestCommitsRoute(call: Call): SimResponse {
  const repo = requireRepository(call);
  const index = requirePullRequest(call, repo);
  const pagelen = readPagelen(call, { defaultValue: 10, max: call.state.switches.cloudMaxPagelen.commits });
  const gone = sourceBranchGone(repo, index);
  if (gone === '404') fail(404, 'Source branch not found');
  const ids = gone === 'empty' ? [] : pullRequestCommits(repo, index);
  return ok(
    cursorPage(
      call,
      `pr-commits:${repo.uuid}:${index}`,
      ids.map((_, k) => k),
      (decoded) => decoded?.[0] ?? 0,
      (k) => [k],
      1,
      (k) => renderCommit(call.ctx, repo, ids[k] as number),
      pagelen,
    ),
  );
}

/** Declined/superseded pull requests whose source branch was closed have no commits to show. */
export function sourceBranchGone(repo: RepositoryState, index: number): 'no' | '404' | 'empty' {
  const prs = repo.pullRequests;
  const state = prs.state[index] as number;
  if (state === PrState.Open || state === PrState.Merged || prs.closeSource[index] !== 1) return 'no';
  return (prs.salt[index] as number) % 2 === 0 ? '404' : 'empty';
}
