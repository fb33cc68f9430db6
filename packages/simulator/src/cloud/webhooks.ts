/**
 * Cloud webhooks: subscriptions (workspace hooks via the API or the control API) and deliveries. A delivery
 * is a POST of the event payload with `X-Event-Key`, `X-Hook-UUID`, `X-Request-UUID`, `X-Attempt-Number` and,
 * when a secret is set, `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. Failed deliveries (network
 * errors, 5xx) are retried twice with the same X-Request-UUID and a higher X-Attempt-Number.
 */
import { createHmac, randomUUID } from 'node:crypto';

export interface WebhookSubscription {
  readonly uuid: string;
  readonly url: string;
  readonly description: string;
  readonly events: readonly string[];
  readonly secret: string | undefined;
  readonly active: boolean;
  /** Microseconds. */
  readonly createdAt: number;
  readonly subjectType: 'workspace' | 'repository';
  /** Repository index for repository hooks. */
  readonly repository?: number;
}

export interface WebhookDelivery {
  readonly hookUuid: string;
  readonly event: string;
  readonly requestUuid: string;
  readonly attempt: number;
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** HTTP status, or 0 when the request failed. */
  status: number;
  error?: string;
}

/** Event keys a subscription may name (spec enum of webhook_subscription.events). */
export const WEBHOOK_EVENTS = [
  'issue:comment_created', 'issue:created', 'issue:updated', 'pipeline:span_created', 'project:updated',
  'pullrequest:approved', 'pullrequest:changes_request_created', 'pullrequest:changes_request_removed',
  'pullrequest:comment_created', 'pullrequest:comment_deleted', 'pullrequest:comment_reopened',
  'pullrequest:comment_resolved', 'pullrequest:comment_updated', 'pullrequest:created', 'pullrequest:fulfilled',
  'pullrequest:push', 'pullrequest:rejected', 'pullrequest:unapproved', 'pullrequest:updated',
  'repo:commit_comment_created', 'repo:commit_status_created', 'repo:commit_status_updated', 'repo:created',
  'repo:deleted', 'repo:fork', 'repo:imported', 'repo:push', 'repo:transfer', 'repo:updated',
] as const;

export class WebhookRegistry {
  readonly #subscriptions: WebhookSubscription[] = [];
  readonly #deliveries: WebhookDelivery[] = [];
  readonly #pending = new Set<Promise<void>>();
  readonly #uuid: () => string;
  /** Delay between attempts (ms); the real service waits minutes. */
  retryDelayMs = 50;

  constructor(uuid: () => string = () => `{${randomUUID()}}`) {
    this.#uuid = uuid;
  }

  register(input: { url: string; events: readonly string[]; secret?: string | undefined; description?: string; active?: boolean; createdAt: number; repository?: number }): WebhookSubscription {
    const subscription: WebhookSubscription = {
      uuid: this.#uuid(),
      url: input.url,
      description: input.description ?? '',
      events: [...input.events],
      secret: input.secret === '' ? undefined : input.secret,
      active: input.active ?? true,
      createdAt: input.createdAt,
      subjectType: input.repository === undefined ? 'workspace' : 'repository',
      ...(input.repository === undefined ? {} : { repository: input.repository }),
    };
    this.#subscriptions.push(subscription);
    return subscription;
  }

  list(): readonly WebhookSubscription[] {
    return this.#subscriptions;
  }

  remove(uuid: string): boolean {
    const at = this.#subscriptions.findIndex((s) => s.uuid === uuid);
    if (at < 0) return false;
    this.#subscriptions.splice(at, 1);
    return true;
  }

  deliveries(): readonly WebhookDelivery[] {
    return this.#deliveries;
  }

  /** Sends `payload` to every active subscription for `event` (and this repository). Does not wait. */
  emit(event: string, payload: unknown, repository: number): void {
    const body = JSON.stringify(payload);
    for (const hook of this.#subscriptions) {
      if (!hook.active || !hook.events.includes(event)) continue;
      if (hook.repository !== undefined && hook.repository !== repository) continue;
      const task = this.#deliver(hook, event, body, this.#uuid().replace(/[{}]/g, ''));
      this.#pending.add(task);
      void task.finally(() => this.#pending.delete(task));
    }
  }

  /** Resolves once every delivery started so far has finished (with retries). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  async #deliver(hook: WebhookSubscription, event: string, body: string, requestUuid: string): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'Bitbucket-Webhooks/2.0',
        'x-event-key': event,
        'x-hook-uuid': hook.uuid.replace(/[{}]/g, ''),
        'x-request-uuid': requestUuid,
        'x-attempt-number': String(attempt),
      };
      if (hook.secret) headers['x-hub-signature'] = `sha256=${createHmac('sha256', hook.secret).update(body, 'utf8').digest('hex')}`;
      const delivery: WebhookDelivery = { hookUuid: hook.uuid, event, requestUuid, attempt, url: hook.url, body, headers, status: 0 };
      this.#deliveries.push(delivery);
      try {
        const response = await fetch(hook.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
        delivery.status = response.status;
        await response.arrayBuffer().catch(() => undefined);
        if (response.status < 500) return;
      } catch (error) {
        delivery.error = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
    }
  }
}
