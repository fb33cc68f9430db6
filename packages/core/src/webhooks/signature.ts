/**
 * Webhook signatures, the same on Bitbucket Cloud and Data Center: `X-Hub-Signature: sha256=<hex>`, an
 * HMAC-SHA256 of the RAW body bytes keyed with the webhook's secret (sent only when a secret is set). Unlike
 * GitHub's `X-Hub-Signature`, Bitbucket's is SHA-256, not SHA-1.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The `X-Hub-Signature` value Bitbucket sends for `rawBody` under `secret`. */
export function signWebhookBody(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/**
 * True when `header` (the `X-Hub-Signature` value) is the HMAC-SHA256 of `rawBody` under `secret`.
 * Constant-time over the digest; a missing or malformed header is false. Verify the bytes as received:
 * re-serialized JSON would not match.
 */
export function verifySignature(rawBody: Buffer | string, header: string | undefined | null, secret: string): boolean {
  if (typeof header !== 'string' || secret === '') return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (match === null) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from((match[1] as string).toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
