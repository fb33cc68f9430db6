import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifySignature } from './signature.js';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);

describe('verifySignature', () => {
  it('accepts the HMAC-SHA256 of the raw body (a known vector)', () => {
    // echo -n '{"a":1}' | openssl dgst -sha256 -hmac 'It'"'"'s a Secret to Everybody'
    const body = Buffer.from('{"a":1}');
    const header = signWebhookBody(body, "It's a Secret to Everybody");
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(body, header, "It's a Secret to Everybody")).toBe(true);
    expect(verifySignature(body, header.toUpperCase().replace('SHA256=', 'sha256='), "It's a Secret to Everybody")).toBe(true);
  });

  it.each([undefined, null, '', 'sha1=abc', 'sha256=', 'sha256=zz', `sha256=${'0'.repeat(64)}`])('refuses header %j', (header) => {
    expect(verifySignature('{}', header, 'secret')).toBe(false);
  });

  it('refuses an empty secret (an unsigned webhook cannot be verified)', () => {
    expect(verifySignature('{}', signWebhookBody('{}', ''), '')).toBe(false);
  });

  it('property: a signature verifies only its own body and secret', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.uint8Array({ minLength: 1, maxLength: 256 }), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (body, other, secret, otherSecret) => {
        const raw = Buffer.from(body);
        const header = signWebhookBody(raw, secret);
        expect(verifySignature(raw, header, secret)).toBe(true);
        if (!Buffer.from(other).equals(raw)) expect(verifySignature(Buffer.from(other), header, secret)).toBe(false);
        if (otherSecret !== secret) expect(verifySignature(raw, header, otherSecret)).toBe(false);
      }),
      { numRuns },
    );
  });
});
