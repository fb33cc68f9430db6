export { cloudConnector } from './connector.js';
export { cloudSource } from './source.js';
export {
  parseCloudConfig,
  DEFAULT_BASE_URL,
  DEFAULT_PAGE_SIZES,
  type CloudConfig,
  type CloudPageSizes,
  type RepositoryUpdatedOnBumpedBy,
} from './config.js';
export { createCloudClient, cloudErrorMapper, cloudMessageOf, cloudScopeHint, CLOUD_REQUESTS_PER_HOUR } from './client.js';
export { verifyCloud, APP_PASSWORD_WARNING } from './verify.js';
export { CLOUD_STREAMS, STREAM_SCOPES, type CloudStreamName } from './streams/names.js';
export type { RepositoryPartition } from './partition.js';
export { commitKey } from './streams/commits.js';
export { pipelineKey } from './streams/pipelines.js';
export { environmentKey } from './streams/deployments.js';
export {
  DEFAULT_DEPLOYMENT_RULES,
  DEFAULT_DEPLOYMENT_SETTINGS,
  EVERY_DEFAULT_BRANCH_PIPELINE,
  type DeploymentRule,
  type DeploymentSettings,
} from './deployments/rules.js';
export { memberKey } from './streams/workspace-members.js';
export { activityKey, commentKey, pullRequestCommitKey, pullRequestKey } from './streams/pull-requests/keys.js';
export {
  verifySignature,
  signWebhookBody,
  parseWebhookEvent,
  DeliveryDeduper,
  registerWorkspaceWebhook,
  PULL_REQUEST_WEBHOOK_EVENTS,
  cloudWebhooks,
  CLOUD_WEBHOOK_EVENTS,
  type WebhookEvent,
  type WebhookRecord,
  type WebhookSubscription,
} from './webhooks/index.js';
