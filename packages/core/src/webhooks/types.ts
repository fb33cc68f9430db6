/**
 * What a connector knows about its vendor's webhooks, so the receiver and `bbsync webhooks register` hold no
 * vendor wire knowledge: where hooks live (paths), which events to subscribe to, the body that creates or
 * updates one, and how a delivery becomes the same records the connector's streams write.
 */
import type { PartitionDescriptor } from '../engine/types.js';
import type { ApiClient } from '../http/types.js';

/** Request headers as Node gives them (lower-case names). */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Where hooks are registered: a workspace, project or repository. */
export interface WebhookTarget {
  /** For people: `workspace acme`, `repository PROJ/api`. */
  readonly label: string;
  /** API path of the hook collection, relative to the API base. */
  readonly path: string;
}

/** A hook as the API lists it (never its secret). */
export interface ExistingWebhook {
  /** The vendor's id (Cloud uuid with braces, Data Center numeric id as text). */
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly active: boolean;
}

/** The hook bbsync wants to exist. */
export interface WebhookSpec {
  readonly url: string;
  /** Signs deliveries (`X-Hub-Signature`); empty sends unsigned deliveries, which the receiver refuses. */
  readonly secret: string;
  readonly events: readonly string[];
  /** Cloud `description`, Data Center `name`. */
  readonly name: string;
}

/** One record a delivery yields, in the terms of the run folder envelope (`synced_at` is added when written). */
export interface WebhookRecord {
  readonly stream: string;
  readonly key: string;
  readonly deleted: boolean;
  readonly data: unknown;
}

/** A verified delivery, parsed. */
export interface ParsedDelivery {
  /** `X-Event-Key`. */
  readonly event: string;
  /** The repository the event is about: the same partition (key and name) the connector's streams use. */
  readonly repository: PartitionDescriptor | undefined;
  /** What the delivery changes; none for events that only call for a targeted sync (a push). */
  readonly records: readonly WebhookRecord[];
}

/** A connector's webhook description. */
export interface ConnectorWebhooks<Cfg = any> {
  /** The default subscription: every event {@link ConnectorWebhooks.parseDelivery} understands. */
  readonly events: readonly string[];
  /** The name of the header that carries the delivery id (retries repeat it): `x-request-uuid`, `x-request-id`. */
  readonly deliveryIdHeader: string;
  /** True when `headers` look like a delivery of this source (its delivery-id header is present). */
  recognizes(headers: WebhookHeaders): boolean;
  /**
   * Where hooks go: one target per named repository (`workspace/slug` or `PROJECT/slug`), or the source's
   * default when none is named (Cloud: the workspace). Throws `config_error` when a name is malformed or the
   * source has no default.
   */
  targets(config: Cfg, repositories: readonly string[]): readonly WebhookTarget[];
  /** The hooks at a target, read with the family's paginator (credentials stay on the API base). */
  list(client: ApiClient, target: WebhookTarget): Promise<readonly ExistingWebhook[]>;
  /** Creates the hook, or updates `existing` in place (same URL: one hook, never two). */
  save(client: ApiClient, target: WebhookTarget, spec: WebhookSpec, existing: ExistingWebhook | undefined): Promise<ExistingWebhook>;
  /**
   * Turns a delivery whose signature was verified into records. Throws `bad_response` (skippable) when the
   * body is not a JSON object.
   */
  parseDelivery(headers: WebhookHeaders, body: Buffer): ParsedDelivery;
}

/** The value of header `name` (case-insensitive), the first when repeated. */
export function webhookHeader(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return typeof value === 'string' ? value : value?.[0];
  }
  return undefined;
}
