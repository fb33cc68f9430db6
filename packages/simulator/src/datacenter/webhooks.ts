/**
 * Data Center repository webhooks: `GET|POST <repo>/webhooks`, `GET|PUT|DELETE <repo>/webhooks/{webhookId}`
 * (REPO_ADMIN; a `RestWebhook` body `{name, url, active, events, configuration: {secret}}`; lists are paged
 * like every DC list and carry no `next` links), and deliveries: a POST of `{eventKey, date, actor, …}` with
 * `X-Request-Id`, `X-Event-Key` and, with a secret, `X-Hub-Signature: sha256=<hex>`. Data Center does not
 * retry a failed delivery; {@link DataCenterWebhooks.redeliverFailed} resends what failed.
 */
import { createHash } from 'node:crypto';
import { DeliveryLog, type WebhookDelivery } from '../webhook-delivery.js';
import { DcApiError } from './errors.js';
import type { Dataset } from './dataset.js';
import { mutablePullRequest } from './derive.js';
import type { PullRequestRecord, RepositoryRecord } from './model.js';
import { pageOf, pageRequest } from './paging.js';
import type { Shapes } from './shapes.js';
import type { DataCenterControl, PullRequestSelector, RepoSelector, ReviewStatus } from './types.js';

/** Event ids a repository hook may name (Data Center 9.x; "needs work" is `pr:reviewer:changes_requested`). */
export const DATA_CENTER_HOOK_EVENTS = [
  'repo:refs_changed', 'repo:modified', 'repo:forked', 'repo:comment:added', 'repo:comment:edited', 'repo:comment:deleted',
  'pr:opened', 'pr:from_ref_updated', 'pr:to_ref_updated', 'pr:modified', 'pr:reviewer:updated', 'pr:reviewer:approved',
  'pr:reviewer:unapproved', 'pr:reviewer:changes_requested', 'pr:merged', 'pr:declined', 'pr:deleted',
  'pr:comment:added', 'pr:comment:edited', 'pr:comment:deleted',
] as const;

interface Hook {
  readonly id: number;
  readonly repository: number;
  name: string;
  url: string;
  events: string[];
  secret: string | undefined;
  active: boolean;
  readonly createdDate: number;
  updatedDate: number;
}

function badRequest(message: string): DcApiError {
  return new DcApiError(400, message, 'com.atlassian.webhooks.WebhookValidationException');
}

export class DataCenterWebhooks {
  readonly #hooks: Hook[] = [];
  readonly #log = new DeliveryLog(
    (event, requestId) => ({ 'user-agent': 'Atlassian HttpClient 4.0.0 / Bitbucket-9.2.0', 'x-event-key': event, 'x-request-id': requestId }),
    1,
  );
  readonly #seed: number;
  readonly #now: () => number;
  #nextId = 1;
  #deliveryCounter = 0;

  constructor(seed: number, now: () => number) {
    this.#seed = seed;
    this.#now = now;
  }

  /** Answers a request on `<repo>/webhooks[/{id}]`. */
  handle(method: string, repository: number, webhookId: string | undefined, query: URLSearchParams, rawBody: Buffer, maxLimit: number): { status: number; body?: unknown } {
    if (webhookId === undefined) {
      if (method === 'GET') return { status: 200, body: pageOf(this.#hooks.filter((h) => h.repository === repository), pageRequest(query, maxLimit), (h) => render(h)) };
      if (method !== 'POST') throw new DcApiError(405, 'Method not allowed', null);
      const input = parseBody(rawBody);
      const t = this.#now();
      const hook: Hook = { id: this.#nextId++, repository, name: input.name, url: input.url, events: input.events, secret: input.secret, active: input.active, createdDate: t, updatedDate: t };
      this.#hooks.push(hook);
      return { status: 201, body: render(hook) };
    }
    const hook = this.#hooks.find((h) => h.repository === repository && String(h.id) === webhookId);
    if (hook === undefined) throw new DcApiError(404, `No webhook with id ${webhookId} exists`, 'com.atlassian.bitbucket.NoSuchObjectException');
    if (method === 'GET') return { status: 200, body: render(hook) };
    if (method === 'DELETE') {
      this.#hooks.splice(this.#hooks.indexOf(hook), 1);
      return { status: 204 };
    }
    if (method !== 'PUT') throw new DcApiError(405, 'Method not allowed', null);
    const input = parseBody(rawBody);
    Object.assign(hook, { name: input.name, url: input.url, events: input.events, active: input.active, updatedDate: this.#now() });
    if (input.secret !== undefined) hook.secret = input.secret;
    return { status: 200, body: render(hook) };
  }

  /** Registers a hook directly (the control API's shortcut); returns its id. */
  register(repository: number, input: { url: string; events: readonly string[]; secret?: string | undefined; name?: string }): number {
    const t = this.#now();
    const hook: Hook = { id: this.#nextId++, repository, name: input.name ?? 'hook', url: input.url, events: [...input.events], secret: input.secret || undefined, active: true, createdDate: t, updatedDate: t };
    this.#hooks.push(hook);
    return hook.id;
  }

  hasHooks(): boolean {
    return this.#hooks.length > 0;
  }

  /** Sends `{eventKey, date, ...payload}` to every active hook of the repository subscribed to `event`. */
  emit(repository: number, event: string, payload: Record<string, unknown>): void {
    const hooks = this.#hooks.filter((h) => h.active && h.repository === repository && h.events.includes(event));
    if (hooks.length === 0) return;
    const body = JSON.stringify({ eventKey: event, date: isoWithOffset(this.#now()), ...payload });
    for (const hook of hooks) this.#log.send({ uuid: String(hook.id), url: hook.url, secret: hook.secret }, event, body, this.#requestId());
  }

  deliveries(): readonly WebhookDelivery[] {
    return this.#log.deliveries();
  }

  redeliverFailed(): number {
    return this.#log.redeliverFailed();
  }

  flush(): Promise<void> {
    return this.#log.flush();
  }

  /** A UUID derived from the seed and a counter: runs with one seed see the same ids. */
  #requestId(): string {
    const hex = createHash('sha256').update(`${this.#seed}:dc-delivery:${this.#deliveryCounter++}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

function parseBody(raw: Buffer): { name: string; url: string; events: string[]; secret: string | undefined; active: boolean } {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
  const url = typeof body['url'] === 'string' ? body['url'] : '';
  if (!/^https?:\/\//.test(url)) throw badRequest('The webhook URL is not valid');
  const events = Array.isArray(body['events']) ? (body['events'] as unknown[]).map(String) : [];
  if (events.length === 0) throw badRequest('At least one event is required');
  const unknown = events.find((e) => !(DATA_CENTER_HOOK_EVENTS as readonly string[]).includes(e));
  if (unknown !== undefined) throw badRequest(`${unknown} is not a valid webhook event`);
  const configuration = body['configuration'] as { secret?: unknown } | undefined;
  return {
    name: typeof body['name'] === 'string' ? body['name'] : '',
    url,
    events,
    secret: typeof configuration?.secret === 'string' && configuration.secret !== '' ? configuration.secret : undefined,
    active: body['active'] !== false,
  };
}

/** A hook as the API renders it: the secret is never echoed. */
function render(hook: Hook): Record<string, unknown> {
  return {
    id: hook.id,
    name: hook.name,
    createdDate: hook.createdDate,
    updatedDate: hook.updatedDate,
    events: hook.events,
    configuration: {},
    url: hook.url,
    active: hook.active,
    scopeType: 'repository',
    sslVerificationRequired: true,
  };
}

/** `2017-09-19T09:45:32+0000`: the payload `date` format of the documentation's examples. */
function isoWithOffset(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+0000`;
}

/** What {@link withWebhookEvents} needs to find records and render payloads in the API's shapes. */
export interface WebhookEventSources {
  readonly ds: Dataset;
  readonly shapes: () => Shapes;
}

function lookups(ds: Dataset) {
  const repositoryOf = (o: RepoSelector): RepositoryRecord => {
    const r = ds.repository(o.projectKey, o.slug);
    if (!r) throw new Error(`Repository ${o.projectKey}/${o.slug} does not exist.`);
    return r;
  };
  return {
    repositoryOf,
    pullRequestOf: (o: PullRequestSelector): PullRequestRecord => {
      const row = repositoryOf(o).pullRequests.find((p) => ds.pullRequests.localId.get(p) === o.id);
      if (row === undefined) throw new Error(`Pull request ${o.id} does not exist in ${o.projectKey}/${o.slug}.`);
      return mutablePullRequest(ds, row);
    },
    userOf: (slug: string | undefined, fallback: number): number => (slug === undefined ? fallback : (ds.user(slug)?.idx ?? fallback)),
  };
}

/** The control methods that fire webhooks, and the webhook controls themselves. */
export interface DataCenterWebhookControl {
  /** Registers a repository hook (as `POST <repo>/webhooks` would); returns its id. */
  registerWebhook(o: RepoSelector & { url: string; events: readonly string[]; secret?: string; name?: string }): number;
  webhookDeliveries(): readonly WebhookDelivery[];
  /** Waits for deliveries in flight. */
  flushWebhooks(): Promise<void>;
  /** Sends again every delivery not acknowledged with a 2xx (same X-Request-Id); returns how many. */
  redeliverWebhooks(): number;
}

/**
 * Wraps the pull request mutations so each fires its event with the payload Data Center sends:
 * `{eventKey, date, actor, pullRequest}` (reviewer events add `participant` and `previousStatus`, comment
 * events `comment`), the pull request in the same REST shape the API lists.
 */
export function withWebhookEvents(control: DataCenterControl, webhooks: DataCenterWebhooks, input: WebhookEventSources): DataCenterControl & DataCenterWebhookControl {
  const sources = { ...lookups(input.ds), shapes: input.shapes };
  const fire = (selector: PullRequestSelector, event: string, actor: number, extra: Record<string, unknown> = {}): void => {
    if (!webhooks.hasHooks()) return;
    const repository = sources.repositoryOf(selector);
    const pr = sources.pullRequestOf(selector);
    const shapes = sources.shapes();
    webhooks.emit(repository.idx, event, { actor: shapes.userAt(actor), pullRequest: shapes.pullRequest(pr), ...extra });
  };
  const reviewEvent: Record<ReviewStatus, string> = { APPROVED: 'pr:reviewer:approved', UNAPPROVED: 'pr:reviewer:unapproved', NEEDS_WORK: 'pr:reviewer:changes_requested' };
  return {
    ...control,
    openPullRequest(o) {
      const result = control.openPullRequest(o);
      fire({ ...o, id: result.id }, 'pr:opened', sources.pullRequestOf({ ...o, id: result.id }).author);
      return result;
    },
    updatePullRequest(o) {
      const result = control.updatePullRequest(o);
      const actor = sources.userOf(o.user, sources.pullRequestOf(o).author);
      fire(o, (o.pushCommits ?? 0) > 0 || o.rewriteSource === true ? 'pr:from_ref_updated' : 'pr:modified', actor);
      return result;
    },
    reviewPullRequest(o) {
      const before = sources.pullRequestOf(o);
      const u = sources.userOf(o.user, 0);
      const previousStatus = [...before.reviewers, ...before.participants].find((x) => x.user === u)?.status ?? 'UNAPPROVED';
      const result = control.reviewPullRequest(o);
      if (previousStatus !== o.status) fire(o, reviewEvent[o.status], u, { participant: result.reviewers?.find((r) => r.user.slug === o.user) ?? result.participants?.find((p) => p.user.slug === o.user), previousStatus });
      return result;
    },
    approvePullRequest(o) {
      return this.reviewPullRequest({ ...o, status: 'APPROVED' });
    },
    commentPullRequest(o) {
      const result = control.commentPullRequest(o);
      const actor = sources.userOf(o.user, sources.pullRequestOf(o).author);
      const event = o.delete !== undefined ? 'pr:comment:deleted' : o.edit === undefined ? 'pr:comment:added' : 'pr:comment:edited';
      fire(o, event, actor, { comment: result, ...(o.replyTo === undefined ? {} : { commentParentId: o.replyTo }) });
      return result;
    },
    mergePullRequest(o) {
      const result = control.mergePullRequest(o);
      fire(o, 'pr:merged', sources.userOf(o.user, sources.pullRequestOf(o).reviewers[0]?.user ?? sources.pullRequestOf(o).author));
      return result;
    },
    declinePullRequest(o) {
      const result = control.declinePullRequest(o);
      fire(o, 'pr:declined', sources.userOf(o.user, sources.pullRequestOf(o).author));
      return result;
    },
    registerWebhook: (o) => webhooks.register(sources.repositoryOf(o).idx, o),
    webhookDeliveries: () => webhooks.deliveries(),
    flushWebhooks: () => webhooks.flush(),
    redeliverWebhooks: () => webhooks.redeliverFailed(),
  };
}
