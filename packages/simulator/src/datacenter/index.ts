export { createDataCenterSimulator, type DataCenterHandle, type DataCenterSimulator } from './simulator.js';
export type { DataCenterControl, DataCenterSimulatorOptions, DataCenterTruth, PullRequestSelector, RepoSelector, ReviewStatus } from './types.js';
export type * from './rest.js';
export type { DataCenterWebhookControl } from './webhooks.js';
