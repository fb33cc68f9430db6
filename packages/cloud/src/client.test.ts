import { MemoryTransport, parseCredentials } from '@bbsync/core';
import { describe, expect, it } from 'vitest';
import { cloudErrorMapper, cloudMessageOf, cloudScopeHint, createCloudClient } from './client.js';
import { parseCloudConfig } from './config.js';

describe('Cloud error mapping', () => {
  it('reads the message of the standard error body', () => {
    expect(cloudMessageOf({ type: 'error', error: { message: 'Repository dev/null not found' } })).toBe('Repository dev/null not found');
    expect(cloudMessageOf({ type: 'error', error: { message: 'Bad', detail: 'pagelen' } })).toBe('Bad (pagelen)');
    expect(cloudMessageOf({ message: 'x' })).toBeUndefined();
  });

  it('names the accepted scopes on a 403', () => {
    expect(cloudScopeHint({ 'x-accepted-oauth-scopes': 'pipeline' })).toContain('pipeline');
    expect(cloudScopeHint({})).toContain('scope');
  });

  it('maps a text/plain 429, a JSON 404 and a 401 of Basic credentials', () => {
    const map = (status: number, body: string, type = 'application/json', credentialKind: 'basic' | 'bearer' = 'bearer') =>
      cloudErrorMapper({ status, headers: { 'content-type': type }, body: Buffer.from(body), method: 'GET', path: '/2.0/x', credentialKind, redact: (text) => text });
    const limited = map(429, 'Rate limit for this resource has been exceeded', 'text/plain');
    expect(limited.code).toBe('rate_limited');
    expect(limited.message).toContain('Rate limit for this resource has been exceeded');
    const missing = map(404, '{"type":"error","error":{"message":"No workspace with identifier \'x\'."}}');
    expect(missing).toMatchObject({ code: 'not_found', status: 404 });
    expect(missing.message).toContain("No workspace with identifier 'x'.");
    const unauthorized = map(401, '{"type":"error","error":{"message":"Unauthorized"}}', 'application/json', 'basic');
    expect(unauthorized.code).toBe('invalid_credentials');
    expect(unauthorized.hint).toContain('2026-07-28');
    const forbidden = cloudErrorMapper({ status: 403, headers: { 'x-accepted-oauth-scopes': 'pullrequest' }, body: Buffer.from('{}'), method: 'GET', path: '/2.0/x', credentialKind: 'bearer', redact: (text) => text });
    expect(forbidden.code).toBe('invalid_permissions');
    expect(forbidden.hint).toContain('pullrequest');
  });
});

describe('createCloudClient', () => {
  it('sends the token only as a header and never leaks it in errors', async () => {
    const config = parseCloudConfig({ workspace: 'acme', baseUrl: 'https://api.example.test/2.0' });
    const token = 'ATCTT3xFfGN0-secret-token-value';
    const credentials = parseCredentials([{ accessToken: token }]);
    const transport = new MemoryTransport(() => ({ status: 403, json: { type: 'error', error: { message: `no ${token}` } }, headers: { 'x-accepted-oauth-scopes': 'repository' } }));
    const client = createCloudClient(config, credentials, { transport });
    const error = await client.request({ url: '/repositories/acme' }).catch((caught: unknown) => caught as Error);
    expect(String((error as Error).message)).not.toContain(token);
    expect(JSON.stringify(error)).not.toContain(token);
    expect(client.stats().requests).toBe(1);
    expect(transport.requests[0]?.headers.authorization ?? transport.requests[0]?.headers.Authorization).toBe(`Bearer ${token}`);
    expect(transport.requests[0]?.url.href).toBe('https://api.example.test/2.0/repositories/acme');
  });
});
