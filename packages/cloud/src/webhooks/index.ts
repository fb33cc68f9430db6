export { verifySignature, signWebhookBody } from './signature.js';
export { parseWebhookEvent, type WebhookEvent, type WebhookRecord } from './parse.js';
export { DeliveryDeduper } from './dedupe.js';
export { registerWorkspaceWebhook, PULL_REQUEST_WEBHOOK_EVENTS, type WebhookSubscription } from './register.js';
export { cloudWebhooks, CLOUD_WEBHOOK_EVENTS } from './description.js';
