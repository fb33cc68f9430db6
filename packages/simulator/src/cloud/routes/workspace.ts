/** `/workspaces/{ws}/members`, `/workspaces/{ws}/hooks` (list, create) and `/user`. */
import type { SimResponse } from '../../server.js';
import { parseQuery, type Query } from '../http/bbql.js';
import type { Call } from '../http/call.js';
import { fail, ok } from '../http/errors.js';
import { listPage, readPagelen } from '../http/pages.js';
import { braceUuidOf, saltOf } from '../model/hash.js';
import type { Member } from '../model/store.js';
import { renderMembership, renderUserFull, renderWorkspace } from '../render/accounts.js';
import { isoMicros, link } from '../render/context.js';
import { WEBHOOK_EVENTS, type WebhookSubscription } from '../webhooks.js';
import { requireRepository, requireWorkspace } from './common.js';

/** Emails only with `fields=+values.user.email` (the handler's hidden path). */
export const MEMBER_LIST_HIDDEN = ['values.user.email'];

/**
 * "supports filtering by email address, if called by a workspace administrator, integration or workspace
 * access token ... q=user.email IN (...), up to 90 addresses. Email addresses that you filter by (and only
 * these email addresses) can be included in the response using the fields query parameter."
 */
function emailFilter(call: Call): Set<string> | undefined {
  const q = call.query.get('q');
  if (q === null || q.trim() === '') return undefined;
  const privileged = call.identity.type === 'workspace_access_token' || (call.identity.type === 'api_token' && call.identity.admin);
  if (!privileged) fail(403, 'Filtering by email is only available to workspace administrators');
  let query: Query;
  try {
    query = parseQuery(q);
  } catch (error) {
    fail(400, `Invalid query: ${(error as Error).message}`);
  }
  const emails = new Set<string>();
  if (query.kind === 'in' && !query.negated && query.path.join('.') === 'user.email') {
    for (const v of query.values) if (typeof v === 'string') emails.add(v.toLowerCase());
  } else if (query.kind === 'cmp' && query.op === '=' && query.path.join('.') === 'user.email' && typeof query.value === 'string') {
    emails.add(query.value.toLowerCase());
  } else {
    fail(400, 'Only user.email IN (...) is supported');
  }
  if (emails.size > 90) fail(400, 'You can filter by up to 90 email addresses');
  return emails;
}

export function listMembers(call: Call): SimResponse {
  requireWorkspace(call);
  const max = call.state.switches.cloudMaxPagelen.members;
  const pagelen = readPagelen(call, { defaultValue: Math.min(50, max), max });
  const emails = emailFilter(call);
  let members = call.ctx.data.members.filter((m) => m.active);
  if (emails) members = members.filter((m) => emails.has(m.email.toLowerCase()));
  return ok(listPage(call, members.length, (i) => renderMembership(call.ctx, members[i] as Member, emails !== undefined), pagelen));
}

export function renderHook(call: Call, hook: WebhookSubscription): Record<string, unknown> {
  const ws = call.ctx.data.workspace.slug;
  return {
    type: 'webhook_subscription',
    uuid: hook.uuid,
    url: hook.url,
    description: hook.description,
    subject_type: hook.subjectType,
    subject: renderWorkspace(call.ctx),
    active: hook.active,
    created_at: isoMicros(hook.createdAt),
    events: hook.events,
    secret_set: hook.secret !== undefined,
    read_only: false,
    history_enabled: false,
    skip_cert_verification: false,
    links: { self: link(`${call.ctx.api}/workspaces/${ws}/hooks/${encodeURIComponent(hook.uuid)}`) },
  };
}

function requireHookAdmin(call: Call): void {
  const allowed = call.identity.type === 'workspace_access_token' || (call.identity.type === 'api_token' && call.identity.admin);
  if (!allowed) fail(403, 'You must be an administrator of this workspace to manage its webhooks.');
}

export function listHooks(call: Call): SimResponse {
  requireWorkspace(call);
  requireHookAdmin(call);
  const pagelen = readPagelen(call, { defaultValue: 10, max: 100 });
  const hooks = call.state.webhooks.list().filter((h) => h.subjectType === 'workspace');
  return ok(listPage(call, hooks.length, (i) => renderHook(call, hooks[i] as WebhookSubscription), pagelen));
}

/** The `webhook_subscription` fields of a create or update body; 400 with Cloud's field errors when invalid. */
function hookBody(call: Call): { url: string; events: string[]; secret: string | undefined; description: string; active: boolean } {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(call.request.body.toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    fail(400, 'Malformed JSON body');
  }
  const url = typeof body['url'] === 'string' ? body['url'] : '';
  const events = Array.isArray(body['events']) ? (body['events'] as unknown[]).map(String) : [];
  const fieldErrors: Record<string, string[]> = {};
  if (!/^https?:\/\//.test(url)) fieldErrors['url'] = ['Enter a valid URL.'];
  if (events.length === 0) fieldErrors['events'] = ['This field is required.'];
  const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown.length > 0) fieldErrors['events'] = unknown.map((e) => `"${e}" is not a valid event.`);
  if (Object.keys(fieldErrors).length > 0) fail(400, 'Bad request', { fields: fieldErrors });
  return {
    url,
    events,
    secret: typeof body['secret'] === 'string' ? body['secret'] : undefined,
    description: typeof body['description'] === 'string' ? body['description'] : '',
    active: body['active'] !== false,
  };
}

export function createHook(call: Call): SimResponse {
  requireWorkspace(call);
  requireHookAdmin(call);
  const hook = call.state.webhooks.register({ ...hookBody(call), createdAt: call.state.nowMicros() });
  return ok(renderHook(call, hook), 201);
}

/** `PUT /workspaces/{ws}/hooks/{uid}` and `PUT /repositories/{ws}/{repo}/hooks/{uid}`: updates a subscription in place. */
export function updateHook(call: Call): SimResponse {
  const repository = call.params['repo'] === undefined ? undefined : requireRepository(call).index;
  if (repository === undefined) requireWorkspace(call);
  requireHookAdmin(call);
  const uid = call.params['uid'] ?? '';
  const current = call.state.webhooks.list().find((h) => h.uuid === uid);
  if (current === undefined || current.repository !== repository) fail(404, 'Resource not found');
  const hook = call.state.webhooks.update(uid, hookBody(call));
  if (hook === undefined) fail(404, 'Resource not found');
  return ok(renderHook(call, hook));
}

/** `GET /repositories/{ws}/{repo}/hooks`: the repository's own subscriptions. */
export function listRepositoryHooks(call: Call): SimResponse {
  const repository = requireRepository(call);
  requireHookAdmin(call);
  const pagelen = readPagelen(call, { defaultValue: 10, max: 100 });
  const hooks = call.state.webhooks.list().filter((h) => h.repository === repository.index);
  return ok(listPage(call, hooks.length, (i) => renderHook(call, hooks[i] as WebhookSubscription), pagelen));
}

/** `POST /repositories/{ws}/{repo}/hooks`. */
export function createRepositoryHook(call: Call): SimResponse {
  const repository = requireRepository(call);
  requireHookAdmin(call);
  const hook = call.state.webhooks.register({ ...hookBody(call), createdAt: call.state.nowMicros(), repository: repository.index });
  return ok(renderHook(call, hook), 201);
}

export function getUser(call: Call): SimResponse {
  const identity = call.identity;
  if (identity.member !== undefined) {
    const member = call.ctx.data.members[identity.member];
    if (member) return ok(renderUserFull(call.ctx, member));
  }
  // An access token is its own "user" in Bitbucket.
  const uuid = braceUuidOf(call.ctx.data.seed, saltOf(`bot:${identity.name}`));
  const label = identity.type === 'repo_access_token' ? 'Repository' : identity.type === 'project_access_token' ? 'Project' : 'Workspace';
  return ok({
    display_name: `${label} Access Token`,
    links: { self: link(`${call.ctx.api}/users/${encodeURIComponent(uuid)}`), avatar: link('https://bbc-object-storage--frontbucket.us-east-1.prod.public.atl-paas.net/assets/bot.png') },
    type: 'user',
    uuid,
    account_id: `712020:${uuid.slice(1, -1)}`,
    nickname: `${label} Access Token`,
    created_on: isoMicros(call.ctx.data.workspace.createdOn),
    account_status: 'active',
    kind: 'user',
  });
}
