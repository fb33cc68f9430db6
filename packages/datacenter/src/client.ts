/**
 * The Data Center API client: core's client on `<server>/<apiPath>`, with Data Center budgets (a per-user
 * token bucket, or none), Data Center error mapping, and a transport that trusts the configured CA bundle.
 */
import {
  createApiClient,
  createUndiciTransport,
  dataCenterBudgets,
  Redactor,
  type ClosableApiClient,
  type ConnectorClientOptions,
  type Credential,
} from '@bbsync/core';
import { apiBaseUrl, type DataCenterConfig } from './config.js';
import { createDataCenterErrorMapper } from './errors.js';

/**
 * Builds the client. The transport is created here (and closed by `close()`) unless `options.transport` is
 * given; `caCertificates` from the options wins over the config's (the CLI may resolve a path for it).
 */
export function createDataCenterClient(
  config: DataCenterConfig,
  credentials: readonly Credential[],
  options: ConnectorClientOptions = {},
): ClosableApiClient {
  const ca = options.caCertificates ?? config.caCertificates;
  const ownTransport = options.transport === undefined ? createUndiciTransport(ca === undefined ? {} : { ca }) : undefined;
  const redactor = new Redactor();
  if (options.extraSecrets !== undefined) redactor.addForms(options.extraSecrets);
  const client = createApiClient({
    baseUrl: apiBaseUrl(config),
    credentials,
    budgets: dataCenterBudgets({
      enabled: config.rateLimit.enabled,
      adaptive: config.rateLimit.adaptive,
      capacity: config.rateLimit.capacity,
      refillPerSecond: config.rateLimit.refillPerSecond,
    }),
    transport: options.transport ?? ownTransport,
    errorMapper: createDataCenterErrorMapper(),
    concurrency: options.concurrency,
    maxWaitMs: options.maxWaitMs,
    maxRequests: options.maxRequests,
    clock: options.clock,
    logger: options.logger,
    redactor,
  });
  return {
    ...client,
    close: async () => {
      await client.close();
      await ownTransport?.close();
    },
  };
}
