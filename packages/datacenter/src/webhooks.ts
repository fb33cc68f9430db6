/**
 * The Data Center connector's webhook description: repository hooks at
 * `/projects/{key}/repos/{slug}/webhooks` (REPO_ADMIN; a paged `{values, isLastPage, nextPageStart}` list,
 * read with core's start/limit paginator: Data Center sends no `next` links); a `RestWebhook` body is
 * `{name, url, active, events, configuration: {secret}}`; an existing hook is updated with
 * `PUT …/webhooks/{id}`. Deliveries carry `X-Request-Id` and `X-Event-Key`; pull request payloads are
 * `{eventKey, date, actor, pullRequest, …}` with the pull request in its REST representation, so it becomes
 * the same `pull_requests` record the stream writes. Activities are not derived from deliveries: a payload
 * names no activity id (the activities stream's key), so the next scheduled or targeted sync writes them.
 */
import { configError, dataCenterPages, items, BbsyncError, webhookHeader, type ApiClient, type ConnectorWebhooks, type ExistingWebhook, type ParsedDelivery, type WebhookHeaders, type WebhookSpec, type WebhookTarget } from '@bbsync/core';
import type { DataCenterConfig } from './config.js';
import { OUTPUTS, pullRequestRecord } from './outputs.js';
import { repositoryPath } from './paths.js';

/**
 * Every event the receiver acts on. "Needs work" is `pr:reviewer:changes_requested` since Data Center 8.x
 * (`pr:reviewer:needs_work` before); both are parsed, the current one is subscribed to.
 */
export const DATA_CENTER_WEBHOOK_EVENTS = [
  'pr:opened',
  'pr:modified',
  'pr:from_ref_updated',
  'pr:reviewer:updated',
  'pr:reviewer:approved',
  'pr:reviewer:unapproved',
  'pr:reviewer:changes_requested',
  'pr:merged',
  'pr:declined',
  'pr:deleted',
  'pr:comment:added',
  'pr:comment:edited',
  'pr:comment:deleted',
  'repo:refs_changed',
] as const;

const DELIVERY_ID = 'x-request-id';
const HOOKS_PAGE = 100;

interface RestWebhook {
  readonly id?: number | string;
  readonly url?: string;
  readonly events?: readonly string[];
  readonly active?: boolean;
}

interface PayloadRepository {
  readonly id?: number;
  readonly slug?: string;
  readonly project?: { readonly key?: string };
}

interface Payload {
  readonly pullRequest?: { readonly id?: number; readonly toRef?: { readonly repository?: PayloadRepository } } & Record<string, unknown>;
  readonly repository?: PayloadRepository;
}

function existing(hook: RestWebhook): ExistingWebhook {
  return { id: String(hook.id ?? ''), url: hook.url ?? '', events: [...(hook.events ?? [])], active: hook.active !== false };
}

function partitionOf(repository: PayloadRepository | undefined): { key: string; name: string } | undefined {
  if (repository?.id === undefined || repository.slug === undefined || repository.project?.key === undefined) return undefined;
  return { key: String(repository.id), name: `${repository.project.key}/${repository.slug}` };
}

export const dataCenterWebhooks: ConnectorWebhooks<DataCenterConfig> = {
  events: DATA_CENTER_WEBHOOK_EVENTS,
  deliveryIdHeader: DELIVERY_ID,
  recognizes: (headers: WebhookHeaders) => webhookHeader(headers, DELIVERY_ID) !== undefined,

  targets(_config, repositories): WebhookTarget[] {
    if (repositories.length === 0) throw configError('target', 'is required for Data Center (repository hooks)', 'one or more PROJECT/slug');
    return repositories.map((name) => {
      const parts = name.split('/');
      if (parts.length !== 2 || !parts[0] || !parts[1]) throw configError('target', `${JSON.stringify(name)} is not a repository name`, 'PROJECT/slug');
      return { label: `repository ${parts[0]}/${parts[1]}`, path: `${repositoryPath(parts[0], parts[1])}/webhooks` };
    });
  },

  async list(client: ApiClient, target: WebhookTarget): Promise<ExistingWebhook[]> {
    const hooks: ExistingWebhook[] = [];
    const pages = dataCenterPages<RestWebhook>(client, { url: target.path, query: { limit: HOOKS_PAGE }, context: { stream: 'webhooks' } });
    for await (const hook of items(pages)) hooks.push(existing(hook));
    return hooks;
  },

  async save(client: ApiClient, target: WebhookTarget, spec: WebhookSpec, current: ExistingWebhook | undefined): Promise<ExistingWebhook> {
    const body = { name: spec.name, url: spec.url, active: true, events: [...spec.events], ...(spec.secret === '' ? {} : { configuration: { secret: spec.secret } }) };
    const response = await client.request<RestWebhook>({
      method: current === undefined ? 'POST' : 'PUT',
      url: current === undefined ? target.path : `${target.path}/${encodeURIComponent(current.id)}`,
      body: { json: body },
      context: { stream: 'webhooks' },
    });
    return existing(response.body);
  },

  parseDelivery(headers: WebhookHeaders, body: Buffer): ParsedDelivery {
    let payload: Payload;
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      payload = parsed as Payload;
    } catch (error) {
      throw new BbsyncError('bad_response', 'Webhook body is not a JSON object', { cause: error, disposition: 'skippable' });
    }
    const event = webhookHeader(headers, 'x-event-key') ?? '';
    const pullRequest = payload.pullRequest;
    const repository = partitionOf(pullRequest?.toRef?.repository ?? payload.repository);
    if (!event.startsWith('pr:') || pullRequest?.id === undefined || repository === undefined) return { event, repository, records: [] };
    const record = pullRequestRecord(pullRequest, Number(repository.key)) as { id: number; repositoryId: number };
    const key = OUTPUTS.pull_requests.primaryKey(record);
    // A deleted pull request leaves the dataset, as when a sync no longer lists it.
    if (event === 'pr:deleted') return { event, repository, records: [{ stream: 'pull_requests', key, deleted: true, data: null }] };
    return { event, repository, records: [{ stream: 'pull_requests', key, deleted: false, data: record }] };
  },
};
