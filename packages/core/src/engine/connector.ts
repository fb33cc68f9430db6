import type { Clock } from '../clock.js';
import type { ErrorCode } from '../errors.js';
import type { ApiClient, Credential, Transport } from '../http/types.js';
import type { Logger } from '../logger.js';
import type { ConnectorWebhooks } from '../webhooks/types.js';
import type { SourceDefinition } from './types.js';

/** What the CLI and the action need from a connector. Cloud and Data Center each export one. */
export interface Connector<Cfg = any> {
  /** `cloud` or `datacenter`. */
  readonly kind: string;
  readonly source: SourceDefinition<Cfg>;
  /** Every output stream name, in a sensible order (workspace streams first). */
  readonly streamNames: readonly string[];
  /**
   * Validates connector settings (everything but credentials). Throws `config_error` naming the field
   * (prefixed with `fieldPrefix`, e.g. `cloud.workspace`) and what is allowed.
   */
  parseConfig(raw: unknown, fieldPrefix?: string): Cfg;
  /** The state scope: source kind + API origin/base + workspace (not the repository filters). */
  scope(config: Cfg): string;
  /** Builds the API client with this connector's budgets and error mapping. */
  createClient(config: Cfg, credentials: readonly Credential[], options?: ConnectorClientOptions): ApiClient;
  /** Connection checks for the selected streams and each credential. Never throws for API failures: reports them. */
  verify(config: Cfg, client: ApiClient, credentials: readonly Credential[], streams: readonly string[]): Promise<VerificationReport>;
  /** Webhooks: where hooks live, what to subscribe to, and how a delivery becomes records. */
  readonly webhooks: ConnectorWebhooks<Cfg>;
}

export interface ConnectorClientOptions {
  readonly transport?: Transport | undefined;
  readonly clock?: Clock | undefined;
  readonly logger?: Logger | undefined;
  /** Requests in flight at once. @default 4 */
  readonly concurrency?: number | undefined;
  /** Longest wait for a rate-limit budget before the run stops gracefully. */
  readonly maxWaitMs?: number | undefined;
  readonly maxRequests?: number | undefined;
  /** PEM CA bundle (or a path to one) for servers behind corporate TLS. */
  readonly caCertificates?: string | undefined;
  /** Secrets registered for redaction by the caller, in addition to the credentials'. */
  readonly extraSecrets?: readonly string[] | undefined;
}

export interface VerificationCheck {
  /** Which credential, by index and label (never the secret). */
  readonly credentialIndex: number;
  readonly credentialLabel: string;
  /** The stream checked, or undefined for the identity check. */
  readonly stream?: string | undefined;
  /** Method and path of the request that decided it. */
  readonly endpoint: string;
  readonly result: 'ok' | ErrorCode;
  readonly status?: number | undefined;
  readonly message?: string | undefined;
  readonly hint?: string | undefined;
  /** The scope or permission the stream needs (e.g. `pullrequest`, `REPO_READ`). */
  readonly requires?: string | undefined;
}

export interface VerificationReport {
  /** True when every selected stream can be served by at least one credential. */
  readonly ok: boolean;
  readonly checks: readonly VerificationCheck[];
  /** Per credential: which selected streams and how many repositories it can serve. */
  readonly credentials: readonly { index: number; label: string; streams: readonly string[]; repositories: number | undefined; warnings: readonly string[] }[];
  readonly warnings: readonly string[];
}
