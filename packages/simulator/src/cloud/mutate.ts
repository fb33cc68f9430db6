/**
 * The "data moves while it is read" fault (`mutateBetweenPagesRate`): after a page that has a `next` link,
 * something in the listed collection changes: a push, a new or updated pull request, a new comment, a member
 * joining, a repository being updated.
 */
import type { CloudControl } from './control.js';
import type { Call } from './http/call.js';
import { PrState } from './model/store.js';
import type { RouteMatch } from './routes/table.js';
import type { CloudState } from './state.js';

export function mutateBetweenPages(state: CloudState, control: CloudControl, call: Call, match: RouteMatch): void {
  const rate = state.faults?.mutateBetweenPagesRate ?? 0;
  if (rate <= 0) return;
  const dice = state.dice();
  const key = `${call.request.method} ${call.request.url.pathname}${call.request.url.search}`;
  const n = dice.occurrence(`mutate:${key}`);
  if (dice.unit('mutate', key, n) >= rate) return;
  const pick = dice.unit('mutate-kind', key, n);
  const repoKey = call.params['repo'];
  const repo = repoKey !== undefined ? state.findRepository(repoKey) : undefined;
  const template = match.route.template;
  if (template.endsWith('/members')) {
    control.addMember({ displayName: `Joined While Paging ${state.data.members.length}` });
    return;
  }
  if (!repo) {
    const live = state.data.repositories.filter((r) => !r.deleted);
    const target = live[Math.floor(pick * live.length)];
    if (target) control.pushCommits(target.slug, { count: 1, merge: false });
    return;
  }
  if (template.includes('/commits')) {
    control.pushCommits(repo.slug, { count: 1 + Math.floor(pick * 3), merge: false });
    return;
  }
  const prs = repo.pullRequests;
  const open: number[] = [];
  for (let i = 0; i < prs.length; i++) if (prs.state[i] === PrState.Open) open.push(i + 1);
  if (pick < 0.3 || open.length === 0) {
    control.openPullRequest(repo.slug, { title: 'Opened while paging' });
    return;
  }
  const id = open[Math.floor(pick * open.length)] as number;
  if (pick < 0.7) control.commentOnPullRequest(repo.slug, id, { text: 'Commented while paging' });
  else control.updatePullRequest(repo.slug, id, { title: `Retitled while paging ${id}` });
}
