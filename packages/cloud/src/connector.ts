/** The Bitbucket Cloud connector, as the CLI and the action use it (core's `Connector` interface). */
import type { Connector } from '@bbsync/core';
import { createCloudClient } from './client.js';
import { parseCloudConfig, type CloudConfig } from './config.js';
import { cloudSource } from './source.js';
import { CLOUD_STREAMS } from './streams/names.js';
import { verifyCloud } from './verify.js';
import { cloudWebhooks } from './webhooks/description.js';

export const cloudConnector: Connector<CloudConfig> = {
  kind: 'cloud',
  source: cloudSource,
  streamNames: CLOUD_STREAMS,
  parseConfig: parseCloudConfig,
  // Not the repository filters: changing them must not orphan the cursors of the repositories kept.
  scope: (config) => `cloud:${config.baseUrl}:${config.workspace}`,
  createClient: createCloudClient,
  verify: verifyCloud,
  webhooks: cloudWebhooks,
};
