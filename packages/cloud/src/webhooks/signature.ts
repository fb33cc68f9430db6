/** Cloud and Data Center sign deliveries the same way: the implementation lives in core. */
export { signWebhookBody, verifySignature } from '@bbsync/core';
