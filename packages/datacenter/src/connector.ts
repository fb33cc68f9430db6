/** The Bitbucket Data Center connector: what the CLI and the action need, built only from core's parts. */
import type { Connector } from '@bbsync/core';
import { createDataCenterClient } from './client.js';
import { parseDataCenterConfig, type DataCenterConfig } from './config.js';
import { DATA_CENTER_STREAM_NAMES } from './outputs.js';
import { dataCenterSource } from './source.js';
import { verifyDataCenter } from './verify.js';
import { dataCenterWebhooks } from './webhooks.js';

export const dataCenterConnector: Connector<DataCenterConfig> = {
  kind: 'datacenter',
  source: dataCenterSource,
  streamNames: DATA_CENTER_STREAM_NAMES,
  parseConfig: parseDataCenterConfig,
  // The server, not the API path: `rest/api/1.0` and `rest/api/latest` are the same API, and switching between
  // them must not orphan the state. Project and repository filters are not part of the scope either.
  scope: (config) => `datacenter:${config.baseUrl}`,
  createClient: createDataCenterClient,
  verify: verifyDataCenter,
  webhooks: dataCenterWebhooks,
};
