/**
 * The Cloud connector's webhook description: hooks live at `/workspaces/{ws}/hooks` (every repository of the
 * workspace; needs the `webhook` scope and a workspace admin) or `/repositories/{ws}/{slug}/hooks`; a
 * `webhook_subscription` body is `{description, url, active, secret, events}`; an existing hook is updated
 * with `PUT {collection}/{uid}`. Deliveries carry `X-Request-UUID` (retries repeat it).
 */
import { cloudPages, configError, items, webhookHeader, type ApiClient, type ConnectorWebhooks, type ExistingWebhook, type ParsedDelivery, type WebhookHeaders, type WebhookSpec, type WebhookTarget } from '@bbsync/core';
import type { CloudConfig } from '../config.js';
import { repositoryPath, workspaceHooksPath } from '../paths.js';
import { activityKey, commentKey, PULL_REQUEST_COMMENTS, PULL_REQUESTS, pullRequestKey } from '../streams/pull-requests/keys.js';
import { parseWebhookEvent } from './parse.js';

/**
 * Every event the receiver acts on: the pull request events {@link parseWebhookEvent} turns into records, and
 * `repo:push`, which yields no record but names the repository for a targeted sync.
 */
export const CLOUD_WEBHOOK_EVENTS = [
  'pullrequest:created',
  'pullrequest:updated',
  'pullrequest:approved',
  'pullrequest:unapproved',
  'pullrequest:changes_request_created',
  'pullrequest:changes_request_removed',
  'pullrequest:fulfilled',
  'pullrequest:rejected',
  'pullrequest:comment_created',
  'pullrequest:comment_updated',
  'pullrequest:comment_deleted',
  'repo:push',
] as const;

const DELIVERY_ID = 'x-request-uuid';
/** `webhook_subscription` lists are plain list pages; 100 is the largest page Cloud serves for them. */
const HOOKS_PAGE = 100;

interface Subscription {
  readonly uuid?: string;
  readonly url?: string;
  readonly events?: readonly string[];
  readonly active?: boolean;
}

function existing(subscription: Subscription): ExistingWebhook {
  return { id: subscription.uuid ?? '', url: subscription.url ?? '', events: [...(subscription.events ?? [])], active: subscription.active !== false };
}

function splitName(name: string): [string, string] {
  const parts = name.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw configError('target', `${JSON.stringify(name)} is not a repository name`, 'workspace/slug');
  return [parts[0], parts[1]];
}

function keyOf(stream: string, record: Record<string, unknown>): string {
  if (stream === PULL_REQUESTS) return pullRequestKey(record as never);
  if (stream === PULL_REQUEST_COMMENTS) return commentKey(record as never);
  return activityKey(record as never);
}

export const cloudWebhooks: ConnectorWebhooks<CloudConfig> = {
  events: CLOUD_WEBHOOK_EVENTS,
  deliveryIdHeader: DELIVERY_ID,
  recognizes: (headers: WebhookHeaders) => webhookHeader(headers, DELIVERY_ID) !== undefined,

  targets(config, repositories): WebhookTarget[] {
    if (repositories.length === 0) return [{ label: `workspace ${config.workspace}`, path: workspaceHooksPath(config.workspace) }];
    return repositories.map((name) => {
      const [workspace, slug] = splitName(name);
      return { label: `repository ${workspace}/${slug}`, path: `${repositoryPath(workspace, slug)}/hooks` };
    });
  },

  async list(client: ApiClient, target: WebhookTarget): Promise<ExistingWebhook[]> {
    const hooks: ExistingWebhook[] = [];
    const pages = cloudPages<Subscription>(client, { url: target.path, query: { pagelen: HOOKS_PAGE }, context: { stream: 'webhooks' } });
    for await (const subscription of items(pages)) hooks.push(existing(subscription));
    return hooks;
  },

  async save(client: ApiClient, target: WebhookTarget, spec: WebhookSpec, current: ExistingWebhook | undefined): Promise<ExistingWebhook> {
    const body = { description: spec.name, url: spec.url, active: true, events: [...spec.events], ...(spec.secret === '' ? {} : { secret: spec.secret }) };
    const response = await client.request<Subscription>({
      method: current === undefined ? 'POST' : 'PUT',
      url: current === undefined ? target.path : `${target.path}/${encodeURIComponent(current.id)}`,
      body: { json: body },
      context: { stream: 'webhooks' },
    });
    return existing(response.body);
  },

  parseDelivery(headers: WebhookHeaders, body: Buffer): ParsedDelivery {
    const event = parseWebhookEvent(headers as Record<string, string>, body);
    const repository = event.repositoryUuid === undefined ? undefined : { key: event.repositoryUuid, name: event.repositoryName ?? event.repositoryUuid };
    return {
      event: event.event,
      repository,
      records: [
        ...event.records.map(({ stream, record }) => ({ stream, key: keyOf(stream, record), deleted: false, data: record })),
        ...event.deletions.map(({ stream, key }) => ({ stream, key, deleted: true, data: null })),
      ],
    };
  },
};
