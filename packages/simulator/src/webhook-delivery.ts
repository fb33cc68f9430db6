/**
 * Webhook deliveries, shared by the Cloud and Data Center halves: a POST of the raw payload with the vendor's
 * headers and, when the hook has a secret, `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>` (both
 * vendors sign the same way). A failed attempt (network error or 5xx) is retried with the same delivery id
 * up to `attempts` times; what still failed can be sent again with {@link DeliveryLog.redeliverFailed}, as a
 * person would press "Resend" in Bitbucket's UI once the endpoint is back.
 */
import { createHmac } from 'node:crypto';

export interface WebhookDelivery {
  readonly hookUuid: string;
  readonly event: string;
  /** Cloud `X-Request-UUID`, Data Center `X-Request-Id`. */
  readonly requestUuid: string;
  readonly attempt: number;
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** HTTP status, or 0 when the request failed. */
  status: number;
  error?: string;
}

export interface DeliveryTarget {
  readonly uuid: string;
  readonly url: string;
  readonly secret: string | undefined;
}

/** The vendor's headers of one attempt (without the signature). */
export type DeliveryHeaders = (event: string, requestId: string, attempt: number, hookUuid: string) => Record<string, string>;

export class DeliveryLog {
  readonly #deliveries: WebhookDelivery[] = [];
  readonly #pending = new Set<Promise<void>>();
  readonly #headers: DeliveryHeaders;
  readonly #attempts: number;
  /** Delay between attempts (ms); the real services wait minutes. */
  retryDelayMs = 50;

  constructor(headers: DeliveryHeaders, attempts: number) {
    this.#headers = headers;
    this.#attempts = attempts;
  }

  deliveries(): readonly WebhookDelivery[] {
    return this.#deliveries;
  }

  /** Starts delivering `body` to `target` (does not wait). */
  send(target: DeliveryTarget, event: string, body: string, requestId: string): void {
    this.#track(this.#deliver(target, event, body, requestId, 1, this.#attempts));
  }

  /**
   * Sends once more every delivery whose latest attempt did not get a 2xx (same delivery id, next attempt
   * number). Returns how many were sent.
   */
  redeliverFailed(): number {
    const latest = new Map<string, WebhookDelivery>();
    for (const delivery of this.#deliveries) latest.set(delivery.requestUuid, delivery);
    let sent = 0;
    for (const delivery of latest.values()) {
      if (delivery.status >= 200 && delivery.status < 300) continue;
      const target = { uuid: delivery.hookUuid, url: delivery.url, secret: undefined };
      this.#track(this.#attempt(target, delivery.event, delivery.body, delivery.requestUuid, delivery.attempt + 1, delivery.headers['x-hub-signature']).then(() => undefined));
      sent += 1;
    }
    return sent;
  }

  /** Resolves once every delivery started so far has finished (with retries). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  #track(task: Promise<void>): void {
    this.#pending.add(task);
    void task.finally(() => this.#pending.delete(task));
  }

  async #deliver(target: DeliveryTarget, event: string, body: string, requestId: string, first: number, attempts: number): Promise<void> {
    for (let attempt = first; attempt < first + attempts; attempt++) {
      if (await this.#attempt(target, event, body, requestId, attempt)) return;
      await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
    }
  }

  /** One POST; true when it needs no retry (any answer below 500). */
  async #attempt(target: DeliveryTarget, event: string, body: string, requestId: string, attempt: number, signature?: string): Promise<boolean> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...this.#headers(event, requestId, attempt, target.uuid) };
    const signed = signature ?? (target.secret ? `sha256=${createHmac('sha256', target.secret).update(body, 'utf8').digest('hex')}` : undefined);
    if (signed !== undefined) headers['x-hub-signature'] = signed;
    const delivery: WebhookDelivery = { hookUuid: target.uuid, event, requestUuid: requestId, attempt, url: target.url, body, headers, status: 0 };
    this.#deliveries.push(delivery);
    try {
      const response = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      delivery.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      return response.status < 500;
    } catch (error) {
      delivery.error = (error as Error).message;
      return false;
    }
  }
}
