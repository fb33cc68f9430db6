/** Commit objects (full, as in `/commits` and `/commit/{sha}`) and commit references. */
import { commitAuthorMapped, commitHash, commitMessage } from '../model/derive.js';
import type { RepositoryState } from '../model/store.js';
import { renderUser } from './accounts.js';
import { WEB, isoSeconds, link, rendered, type RenderContext } from './context.js';
import { renderRepositoryRef, repoPath } from './repository.js';

/** `{type, hash, links}`; `short` = the 12-character hashes pull request endpoints use. */
export function renderCommitRef(ctx: RenderContext, repo: RepositoryState, id: number, short = false): Record<string, unknown> {
  const full = commitHash(ctx.data, repo, id);
  const hash = short ? full.slice(0, 12) : full;
  return {
    type: 'commit',
    hash,
    links: {
      self: link(`${repoPath(ctx, repo)}/commit/${hash}`),
      html: link(`${WEB}/${ctx.data.workspace.slug}/${repo.slug}/commits/${hash}`),
    },
  };
}

export function renderCommit(ctx: RenderContext, repo: RepositoryState, id: number): Record<string, unknown> {
  const hash = commitHash(ctx.data, repo, id);
  const self = `${repoPath(ctx, repo)}/commit/${hash}`;
  const member = ctx.data.members[repo.commits.author.get(id)];
  const message = commitMessage(repo, id);
  const parents: Record<string, unknown>[] = [];
  const p1 = repo.commits.parent1.get(id);
  const p2 = repo.commits.parent2.get(id);
  if (p1 >= 0) parents.push(renderCommitRef(ctx, repo, p1));
  if (p2 >= 0) parents.push(renderCommitRef(ctx, repo, p2));
  const author: Record<string, unknown> = { type: 'author' };
  if (member && commitAuthorMapped(repo, id)) {
    author['raw'] = `${member.displayName} <${member.email}>`;
    author['user'] = renderUser(ctx, member);
  } else {
    author['raw'] = 'CI Bot <ci-bot@build.acme.example>';
  }
  return {
    type: 'commit',
    hash,
    date: isoSeconds(repo.commits.time.get(id)),
    author,
    message,
    summary: rendered(message),
    links: {
      self: link(self),
      html: link(`${WEB}/${ctx.data.workspace.slug}/${repo.slug}/commits/${hash}`),
      diff: link(`${repoPath(ctx, repo)}/diff/${hash}`),
      approve: link(`${self}/approve`),
      comments: link(`${self}/comments`),
      statuses: link(`${self}/statuses`),
      patch: link(`${repoPath(ctx, repo)}/patch/${hash}`),
    },
    parents,
    // Recorded commit objects carry an (empty) `participants` list (jenkinsci/bitbucket-branch-source-plugin).
    participants: [],
    repository: renderRepositoryRef(ctx, repo),
    rendered: { message: rendered(message) },
  };
}
