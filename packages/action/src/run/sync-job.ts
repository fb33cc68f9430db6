/**
 * One sync, as the CLI and the action run it: credentials parsed, the connector's client built, the state
 * opened, the engine run. Everything that could print is redacted with every form of every credential.
 */
import {
  FileStateStore,
  parseCredentials,
  runSync,
  type ApiClient,
  type Clock,
  type Connector,
  type Credential,
  type Logger,
  type ProgressEvent,
  type RunManifest,
} from '@bbsync/core';
import type { SyncConfig } from '../config/validate.js';
import { connectorFor } from './connectors.js';

/** A validated config turned into the connector's parts. Holds credentials: never serialize it. */
export interface PreparedSync {
  readonly config: SyncConfig;
  readonly connector: Connector;
  readonly connectorConfig: unknown;
  readonly credentials: readonly Credential[];
  /** The connector's state scope (source + API base + workspace). */
  readonly scope: string;
  /** Every printable form of every secret (for masking and redaction). */
  readonly secrets: readonly string[];
  /** Every run of 16 characters of each secret's encodings (for redaction only: far too many to mask). */
  readonly partialSecrets: readonly string[];
}

/** The raw settings handed to the connector's parseConfig (its own section plus the shared filters). */
export function connectorSettings(config: SyncConfig): Record<string, unknown> {
  const section = config.source === 'cloud' ? config.cloud : config.datacenter;
  const repositories: Record<string, readonly string[]> = {};
  if (config.repositories.include) repositories.include = config.repositories.include;
  if (config.repositories.exclude) repositories.exclude = config.repositories.exclude;
  if (config.repositories.only !== undefined && config.repositories.only.length > 0) repositories.only = config.repositories.only;
  return { ...section, ...(Object.keys(repositories).length > 0 ? { repositories } : {}) };
}

/** Parses credentials and connector settings; throws `config_error` naming the field. */
export function prepareSync(config: SyncConfig): PreparedSync {
  const connector = connectorFor(config.source);
  const credentials = parseCredentials(config.credentials, 'credentials');
  const connectorConfig = connector.parseConfig(connectorSettings(config), config.source);
  return {
    config,
    connector,
    connectorConfig,
    credentials,
    scope: connector.scope(connectorConfig),
    secrets: credentials.flatMap((credential) => credential.secrets()),
    partialSecrets: credentials.flatMap((credential) => credential.partialSecrets()),
  };
}

export interface ClientOptions {
  readonly logger?: Logger | undefined;
  readonly clock?: Clock | undefined;
  /** Secrets besides the credentials' that the client must redact from every server text (e.g. a webhook secret it sends). */
  readonly extraSecrets?: readonly string[] | undefined;
}

/** The API client of a prepared sync, with the config's concurrency, waits and budgets. */
export function createClient(prepared: PreparedSync, options: ClientOptions = {}): ApiClient {
  const { config } = prepared;
  return prepared.connector.createClient(prepared.connectorConfig, prepared.credentials, {
    logger: options.logger,
    clock: options.clock,
    concurrency: config.concurrency,
    maxWaitMs: config.maxRateLimitWaitMinutes * 60_000,
    maxRequests: config.budgets.maxRequests,
    caCertificates: config.datacenter?.caCertificates,
    extraSecrets: options.extraSecrets,
  });
}

export interface ExecuteOptions extends ClientOptions {
  /** The run folder (created). */
  readonly runDir: string;
  /** The state file (created on first sync). */
  readonly statePath: string;
  readonly runId?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((event: ProgressEvent) => void) | undefined;
  /** A client to use instead of building one (tests). */
  readonly client?: ApiClient | undefined;
  /** "now" for the time budget. @default Date.now() */
  readonly startedAt?: number | undefined;
}

/** Runs the engine; resolves with the manifest (a budget stop or a cancellation is a normal end). */
export async function executeSync(prepared: PreparedSync, options: ExecuteOptions): Promise<RunManifest> {
  const { config } = prepared;
  const state = await FileStateStore.open(options.statePath, prepared.scope, { clock: options.clock });
  const client = options.client ?? createClient(prepared, options);
  const startedAt = options.startedAt ?? Date.now();
  try {
    return await runSync({
      source: prepared.connector.source,
      config: prepared.connectorConfig,
      client,
      state,
      outputDir: options.runDir,
      streams: config.streams,
      concurrency: config.concurrency,
      budgets: {
        maxRequests: config.budgets.maxRequests,
        deadline: config.budgets.maxMinutes === undefined ? undefined : startedAt + config.budgets.maxMinutes * 60_000,
      },
      shard: config.shard,
      startDate: config.startDate,
      signal: options.signal,
      logger: options.logger,
      clock: options.clock,
      onProgress: options.onProgress,
      runId: options.runId,
    });
  } finally {
    // The connectors' clients own an undici transport (keep-alive sockets): close what we created.
    if (options.client === undefined) await closeClient(client);
  }
}

/** Closes a client that can be closed (the connectors' clients can); ignores errors. */
export async function closeClient(client: ApiClient): Promise<void> {
  const closable = client as ApiClient & { close?: () => Promise<void> };
  if (typeof closable.close === 'function') await closable.close().catch(() => undefined);
}
