/** Repository objects: full (list items and GET) and condensed (embedded in pull requests, commits, pipelines). */
import { braceUuidOf, saltOf } from '../model/hash.js';
import type { RepositoryState } from '../model/store.js';
import { renderOwner, renderProject, renderWorkspace } from './accounts.js';
import { AVATARS, WEB, isoMicros, link, type RenderContext } from './context.js';

export function repoPath(ctx: RenderContext, repo: RepositoryState): string {
  return `${ctx.api}/repositories/${ctx.data.workspace.slug}/${repo.slug}`;
}

export function fullName(ctx: RenderContext, repo: RepositoryState): string {
  return `${ctx.data.workspace.slug}/${repo.slug}`;
}

/** `owner/slug` of the fork a fork pull request comes from: the author's own copy of the repository. */
export function forkFullName(ctx: RenderContext, repo: RepositoryState, index: number): string {
  const author = ctx.data.members[repo.pullRequests.author[index] as number];
  return `${author?.nickname ?? 'someone'}/${repo.slug}`;
}

/** The condensed fork repository a fork pull request's `source.repository` names. */
export function renderForkRef(ctx: RenderContext, repo: RepositoryState, index: number): Record<string, unknown> {
  const name = forkFullName(ctx, repo, index);
  return {
    type: 'repository',
    full_name: name,
    links: {
      self: link(`${ctx.api}/repositories/${name}`),
      html: link(`${WEB}/${name}`),
      avatar: link(`${AVATARS}/repo/${repo.key.toString(16)}-fork/avatar.png`),
    },
    name: repo.name,
    uuid: braceUuidOf(ctx.data.seed, repo.key, saltOf('fork'), repo.pullRequests.author[index] as number),
  };
}

/** The condensed repository embedded in other objects. */
export function renderRepositoryRef(ctx: RenderContext, repo: RepositoryState): Record<string, unknown> {
  const ws = ctx.data.workspace.slug;
  return {
    type: 'repository',
    full_name: fullName(ctx, repo),
    links: {
      self: link(repoPath(ctx, repo)),
      html: link(`${WEB}/${ws}/${repo.slug}`),
      avatar: link(`${AVATARS}/repo/${repo.key.toString(16)}/avatar.png`),
    },
    name: repo.name,
    uuid: repo.uuid,
  };
}

/** A full repository, with the link fields the real API sends beyond the spec (branches, tags, source). */
export function renderRepository(ctx: RenderContext, repo: RepositoryState): Record<string, unknown> {
  const ws = ctx.data.workspace.slug;
  const self = repoPath(ctx, repo);
  const project = ctx.data.projects[repo.project];
  return {
    type: 'repository',
    full_name: fullName(ctx, repo),
    links: {
      self: link(self),
      html: link(`${WEB}/${ws}/${repo.slug}`),
      avatar: link(`${AVATARS}/repo/${repo.key.toString(16)}/avatar.png`),
      pullrequests: link(`${self}/pullrequests`),
      commits: link(`${self}/commits`),
      forks: link(`${self}/forks`),
      watchers: link(`${self}/watchers`),
      branches: link(`${self}/refs/branches`),
      tags: link(`${self}/refs/tags`),
      downloads: link(`${self}/downloads`),
      source: link(`${self}/src`),
      clone: [
        { name: 'https', href: `https://bitbucket.org/${ws}/${repo.slug}.git` },
        { name: 'ssh', href: `git@bitbucket.org:${ws}/${repo.slug}.git` },
      ],
      hooks: link(`${self}/hooks`),
    },
    name: repo.name,
    slug: repo.slug,
    description: repo.description,
    scm: 'git',
    website: null,
    owner: renderOwner(ctx),
    workspace: renderWorkspace(ctx),
    is_private: repo.isPrivate,
    project: project ? renderProject(ctx, project) : null,
    fork_policy: 'no_public_forks',
    created_on: isoMicros(repo.createdOn),
    updated_on: isoMicros(repo.updatedOn),
    size: 40_000 + (repo.key % 9_000_000) + repo.commits.length * 1200,
    language: repo.language,
    uuid: repo.uuid,
    mainbranch: { name: repo.mainbranch, type: 'branch' },
    override_settings: { default_merge_strategy: true, branching_model: true },
    parent: null,
    enforced_signed_commits: null,
    has_issues: false,
    has_wiki: false,
  };
}
