/**
 * The Bitbucket Cloud API client: core's client with Cloud's budgets (1,000 requests per rolling hour per
 * identity unless a credential says otherwise; raised when `X-RateLimit-Limit` announces a scaled limit)
 * and Cloud's error mapping.
 */
import {
  cloudBudgets,
  createApiClient,
  createErrorMapper,
  createUndiciTransport,
  Redactor,
  type ClosableApiClient,
  type ConnectorClientOptions,
  type Credential,
} from '@bbsync/core';
import type { CloudConfig } from './config.js';

/** Requests per hour per identity on `/2.0/repositories/*` (support.atlassian.com/bitbucket-cloud/docs/api-request-limits). */
export const CLOUD_REQUESTS_PER_HOUR = 1000;

/**
 * The message of Cloud's standard error body `{type: 'error', error: {message, detail?}}`. A 429 body is
 * `text/plain` ("Rate limit for this resource has been exceeded"), which core's mapper keeps as text.
 */
export function cloudMessageOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const error = (json as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { message, detail } = error as { message?: unknown; detail?: unknown };
  if (typeof message !== 'string') return undefined;
  return typeof detail === 'string' && detail !== '' ? `${message} (${detail})` : message;
}

/** A 403's hint from `X-Accepted-OAuth-Scopes` (the scopes the endpoint accepts), echoed by Cloud. */
export function cloudScopeHint(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const accepted = headers['x-accepted-oauth-scopes'];
  if (accepted === undefined || accepted.trim() === '') {
    return 'The credential lacks a permission for this resource: grant the scope the stream needs (repository, pullrequest, pipeline, account, webhook) or assign another credential to it.';
  }
  return `This endpoint needs the scope(s) ${accepted.trim()}: grant them to the token (or, for an API token, to its scopes) or assign another credential to this stream.`;
}

/** Cloud's error mapper: core's classification with Cloud's message and scope hint. */
export const cloudErrorMapper = createErrorMapper({ messageOf: cloudMessageOf, scopeHint: cloudScopeHint });

/**
 * Builds the client for a Cloud config and its credentials (see {@link ConnectorClientOptions}). Its
 * `close()` releases the transport it created (a transport passed in is left to its owner).
 */
export function createCloudClient(config: CloudConfig, credentials: readonly Credential[], options: ConnectorClientOptions = {}): ClosableApiClient {
  const redactor = new Redactor();
  if (options.extraSecrets !== undefined) redactor.addForms(options.extraSecrets);
  // A CA bundle needs a transport of our own; otherwise the client creates (and closes) its default one.
  const own = options.transport === undefined && options.caCertificates !== undefined ? createUndiciTransport({ ca: options.caCertificates }) : undefined;
  const client = createApiClient({
    baseUrl: config.baseUrl,
    credentials,
    budgets: cloudBudgets({ requestsPerHour: CLOUD_REQUESTS_PER_HOUR }),
    errorMapper: cloudErrorMapper,
    transport: options.transport ?? own,
    concurrency: options.concurrency,
    maxWaitMs: options.maxWaitMs,
    maxRequests: options.maxRequests,
    clock: options.clock,
    logger: options.logger,
    redactor,
    userAgent: 'bbsync-cloud',
  });
  if (own === undefined) return client;
  return {
    ...client,
    async close() {
      await client.close();
      await own.close();
    },
  };
}
