export { dataCenterConnector } from './connector.js';
export { dataCenterSource } from './source.js';
export {
  parseDataCenterConfig,
  apiBaseUrl,
  DEFAULT_API_PATH,
  DEFAULT_RATE_LIMIT,
  type DataCenterConfig,
  type DataCenterApiPath,
  type DataCenterRateLimit,
} from './config.js';
export { createDataCenterClient } from './client.js';
export { createDataCenterErrorMapper, dataCenterMessageOf } from './errors.js';
export { DATA_CENTER_STREAM_NAMES, OUTPUTS as DATA_CENTER_OUTPUTS, type DataCenterStreamName } from './outputs.js';
export { verifyDataCenter, STREAM_REQUIREMENTS } from './verify.js';
export type { CommitsCursor } from './streams/commits.js';
export type { PullRequestsCursor } from './streams/pull-requests.js';
export type { RepositoriesCursor } from './streams/repositories.js';
export type { ProjectsCursor } from './streams/projects.js';
export type { UsersCursor } from './streams/users.js';
export type { NewestOrder } from './newest-order.js';
export { dataCenterWebhooks, DATA_CENTER_WEBHOOK_EVENTS } from './webhooks.js';
export { DEFAULT_DATA_CENTER_RULES, type DataCenterDeploymentRule } from './deployments/rules.js';
