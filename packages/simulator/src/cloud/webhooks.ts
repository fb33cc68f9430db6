/**
 * Cloud webhooks: subscriptions (workspace hooks via the API or the control API) and deliveries. A delivery
 * is a POST of the event payload with `X-Event-Key`, `X-Hook-UUID`, `X-Request-UUID`, `X-Attempt-Number` and,
 * when a secret is set, `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. Failed deliveries (network
 * errors, 5xx) are retried twice with the same X-Request-UUID and a higher X-Attempt-Number.
 */
import { randomUUID } from 'node:crypto';
import { DeliveryLog, type WebhookDelivery } from '../webhook-delivery.js';

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

export type { WebhookDelivery } from '../webhook-delivery.js';

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
  readonly #log = new DeliveryLog(
    (event, requestUuid, attempt, hookUuid) => ({
      'user-agent': 'Bitbucket-Webhooks/2.0',
      'x-event-key': event,
      'x-hook-uuid': hookUuid.replace(/[{}]/g, ''),
      'x-request-uuid': requestUuid,
      'x-attempt-number': String(attempt),
    }),
    3,
  );
  readonly #uuid: () => string;

  /** Delay between attempts (ms); the real service waits minutes. */
  get retryDelayMs(): number {
    return this.#log.retryDelayMs;
  }

  set retryDelayMs(ms: number) {
    this.#log.retryDelayMs = ms;
  }

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

  /** Updates a subscription in place (PUT …/hooks/{uid}); undefined when there is none with this uuid. */
  update(uuid: string, input: { url: string; events: readonly string[]; secret?: string | undefined; description?: string; active?: boolean }): WebhookSubscription | undefined {
    const at = this.#subscriptions.findIndex((s) => s.uuid === uuid);
    const current = this.#subscriptions[at];
    if (current === undefined) return undefined;
    const updated: WebhookSubscription = {
      ...current,
      url: input.url,
      events: [...input.events],
      description: input.description ?? current.description,
      active: input.active ?? current.active,
      // Cloud keeps the secret when an update does not send one.
      secret: input.secret === undefined ? current.secret : input.secret === '' ? undefined : input.secret,
    };
    this.#subscriptions[at] = updated;
    return updated;
  }

  deliveries(): readonly WebhookDelivery[] {
    return this.#log.deliveries();
  }

  /** Sends `payload` to every active subscription for `event` (and this repository). Does not wait. */
  emit(event: string, payload: unknown, repository: number): void {
    const body = JSON.stringify(payload);
    for (const hook of this.#subscriptions) {
      if (!hook.active || !hook.events.includes(event)) continue;
      if (hook.repository !== undefined && hook.repository !== repository) continue;
      this.#log.send(hook, event, body, this.#uuid().replace(/[{}]/g, ''));
    }
  }

  /** Sends again every delivery whose latest attempt was not acknowledged with a 2xx; returns how many. */
  redeliverFailed(): number {
    return this.#log.redeliverFailed();
  }

  /** Resolves once every delivery started so far has finished (with retries). */
  async flush(): Promise<void> {
    await this.#log.flush();
  }
}
