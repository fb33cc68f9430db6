/** Users, workspace, projects and workspace memberships, in the shapes the real API sends. */
import type { Member, Project } from '../model/store.js';
import { AVATARS, WEB, encodeUuid, isoMicros, link, type RenderContext } from './context.js';

/** A user as embedded in other objects (author, reviewers, membership.user). */
export function renderUser(ctx: RenderContext, member: Member): Record<string, unknown> {
  if (member.accountType === 'app_user') return renderAppUser(ctx, member);
  return {
    display_name: member.displayName,
    links: {
      self: link(`${ctx.api}/users/${encodeUuid(member.uuid)}`),
      avatar: link(`${AVATARS}/initials/${member.displayName.split(' ').map((w) => w.charAt(0)).join('')}-3.png`),
      html: link(`${WEB}/${encodeUuid(member.uuid)}/`),
    },
    type: 'user',
    uuid: member.uuid,
    account_id: member.accountId,
    nickname: member.nickname,
  };
}

/** A bot (spec `app_user`: `account_id`, `account_status`, `kind`); it has no nickname. */
function renderAppUser(ctx: RenderContext, member: Member): Record<string, unknown> {
  return {
    display_name: member.displayName,
    links: {
      self: link(`${ctx.api}/users/${encodeUuid(member.uuid)}`),
      avatar: link(`${AVATARS}/initials/BOT-3.png`),
      html: link(`${WEB}/${encodeUuid(member.uuid)}/`),
    },
    type: 'app_user',
    uuid: member.uuid,
    account_id: member.accountId,
    account_status: 'active',
    kind: 'access_token',
  };
}

/** `GET /user`: the full user object. */
export function renderUserFull(ctx: RenderContext, member: Member): Record<string, unknown> {
  return {
    ...renderUser(ctx, member),
    created_on: isoMicros(member.createdOn),
    account_status: 'active',
    has_2fa_enabled: null,
    is_staff: false,
    location: null,
    kind: 'user',
    username: member.nickname,
  };
}

export function renderWorkspace(ctx: RenderContext): Record<string, unknown> {
  const ws = ctx.data.workspace;
  return {
    type: 'workspace',
    uuid: ws.uuid,
    name: ws.name,
    slug: ws.slug,
    links: {
      avatar: link(`${WEB}/workspaces/${ws.slug}/avatar/?ts=1700000000`),
      html: link(`${WEB}/${ws.slug}/`),
      self: link(`${ctx.api}/workspaces/${ws.slug}`),
    },
  };
}

/** The workspace as a repository `owner` (a team account). */
export function renderOwner(ctx: RenderContext): Record<string, unknown> {
  const ws = ctx.data.workspace;
  return {
    display_name: ws.name,
    links: {
      self: link(`${ctx.api}/workspaces/${encodeUuid(ws.uuid)}`),
      avatar: link(`${WEB}/account/${ws.slug}/avatar/`),
      html: link(`${WEB}/${encodeUuid(ws.uuid)}/`),
    },
    type: 'team',
    uuid: ws.uuid,
    username: ws.slug,
  };
}

export function renderProject(ctx: RenderContext, project: Project): Record<string, unknown> {
  const ws = ctx.data.workspace.slug;
  return {
    type: 'project',
    key: project.key,
    uuid: project.uuid,
    name: project.name,
    links: {
      self: link(`${ctx.api}/workspaces/${ws}/projects/${project.key}`),
      html: link(`${WEB}/${ws}/workspace/projects/${project.key}`),
      avatar: link(`${WEB}/${ws}/workspace/projects/${project.key}/avatar/32?ts=1700000000`),
    },
  };
}

/** A `workspace_membership` (list item of `/workspaces/{ws}/members`). `email` is added only when allowed. */
export function renderMembership(ctx: RenderContext, member: Member, withEmail: boolean): Record<string, unknown> {
  const ws = ctx.data.workspace.slug;
  const user = renderUser(ctx, member);
  if (withEmail) user['email'] = member.email;
  return {
    type: 'workspace_membership',
    user,
    workspace: renderWorkspace(ctx),
    links: { self: link(`${ctx.api}/workspaces/${ws}/members/${encodeUuid(member.uuid)}`) },
  };
}
