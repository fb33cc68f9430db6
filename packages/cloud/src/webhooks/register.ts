/**
 * Registers a workspace webhook: `POST /workspaces/{ws}/hooks` ("Workspace webhooks are fired for events
 * from all repositories contained by that workspace"; needs the `webhook` scope plus the scopes of the
 * events, e.g. `pullrequest`; "Only workspace owners can install webhooks on workspaces").
 */
import type { ApiClient } from '@bbsync/core';
import { workspaceHooksPath } from '../paths.js';

/** The pull request events whose payloads {@link parseWebhookEvent} turns into records. */
export const PULL_REQUEST_WEBHOOK_EVENTS = [
  'pullrequest:created',
  'pullrequest:updated',
  'pullrequest:fulfilled',
  'pullrequest:rejected',
  'pullrequest:approved',
  'pullrequest:unapproved',
  'pullrequest:changes_request_created',
  'pullrequest:comment_created',
  'pullrequest:comment_updated',
  'pullrequest:comment_deleted',
] as const;

/** A created `webhook_subscription` (the secret is never echoed back here). */
export interface WebhookSubscription {
  readonly uuid: string;
  readonly url: string;
  readonly active: boolean;
  readonly events: readonly string[];
  readonly description?: string;
}

/** Creates the webhook and returns it. The secret makes Bitbucket sign deliveries (`X-Hub-Signature`). */
export async function registerWorkspaceWebhook(
  client: ApiClient,
  workspace: string,
  url: string,
  secret: string,
  events: readonly string[] = PULL_REQUEST_WEBHOOK_EVENTS,
  description = 'bbsync',
): Promise<WebhookSubscription> {
  const response = await client.request<WebhookSubscription & { secret?: unknown }>({
    method: 'POST',
    url: workspaceHooksPath(workspace),
    body: { json: { description, url, active: true, secret, events: [...events] } },
    context: { stream: 'webhooks' },
  });
  const { secret: _secret, ...subscription } = response.body;
  return subscription;
}
