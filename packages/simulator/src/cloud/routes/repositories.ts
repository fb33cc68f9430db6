/** `/repositories/{ws}`, `/repositories/{ws}/{repo}`, `/refs/branches/{name}`. */
import type { Call } from '../http/call.js';
import { fail, ok } from '../http/errors.js';
import { listPage, readPagelen } from '../http/pages.js';
import { isForkPullRequest, prBranch } from '../model/derive.js';
import { PrState, type RepositoryState } from '../model/store.js';
import { renderCommit } from '../render/commit.js';
import { WEB, link } from '../render/context.js';
import { renderRepository, repoPath } from '../render/repository.js';
import type { SimResponse } from '../../server.js';
import { filterAndSort, readQuery, requireRepository, requireWorkspace } from './common.js';

const REPOSITORY_FIELDS = [
  'uuid', 'name', 'slug', 'full_name', 'description', 'is_private', 'created_on', 'updated_on', 'language', 'size',
  'project', 'mainbranch', 'owner', 'workspace', 'scm', 'fork_policy', 'has_issues', 'has_wiki', 'parent', 'website', 'links', 'type',
];

export function listRepositories(call: Call): SimResponse {
  requireWorkspace(call);
  const pagelen = readPagelen(call, { defaultValue: 10, max: 100 });
  const role = call.query.get('role');
  if (role !== null && !['admin', 'contributor', 'member', 'owner'].includes(role)) fail(400, `Invalid role: ${role}`);
  let repos = call.state.data.repositories.filter((r) => !r.deleted && call.state.credentials.canSee(call.identity, r.index));
  // Access tokens act as members of what they can reach; only an admin user has admin/owner roles.
  if ((role === 'admin' || role === 'owner') && !(call.identity.admin && call.identity.type === 'api_token')) repos = [];
  const query = readQuery(call, REPOSITORY_FIELDS);
  const rendered = repos.map((r) => ({ repo: r, body: renderRepository(call.ctx, r) }));
  const selected = filterAndSort(call, rendered, (x) => x.body, query, REPOSITORY_FIELDS);
  return ok(listPage(call, selected.length, (i) => (selected[i] as { body: unknown }).body, pagelen));
}

export function getRepository(call: Call): SimResponse {
  return ok(renderRepository(call.ctx, requireRepository(call)));
}

/** Branch names and tips: the default branch, open pull requests' branches, kept merged branches (not forks'). */
export function branchTips(repo: RepositoryState): Map<string, number> {
  const tips = new Map<string, number>();
  if (repo.head >= 0) tips.set(repo.mainbranch, repo.head);
  const prs = repo.pullRequests;
  for (let i = 0; i < prs.length; i++) {
    if (isForkPullRequest(repo, i)) continue;
    const state = prs.state[i];
    if (state === PrState.Open || prs.closeSource[i] === 0) tips.set(prBranch(repo, i), prs.tip[i] as number);
  }
  return tips;
}

export function getBranch(call: Call): SimResponse {
  const repo = requireRepository(call);
  const name = call.params['name'] ?? '';
  const tip = branchTips(repo).get(name);
  if (tip === undefined) fail(404, `Branch "${name}" not found`);
  const self = `${repoPath(call.ctx, repo)}/refs/branches/${encodeURIComponent(name)}`;
  return ok({
    name,
    target: renderCommit(call.ctx, repo, tip),
    links: {
      self: link(self),
      commits: link(`${repoPath(call.ctx, repo)}/commits/${encodeURIComponent(name)}`),
      html: link(`${WEB}/${call.ctx.data.workspace.slug}/${repo.slug}/branch/${encodeURIComponent(name)}`),
    },
    type: 'branch',
    merge_strategies: ['merge_commit', 'squash', 'fast_forward'],
    default_merge_strategy: 'merge_commit',
  });
}
