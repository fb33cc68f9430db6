import { describe, expect, it } from 'vitest';
import type { Disposition, ErrorCode } from '../errors.js';
import { createErrorMapper, defaultErrorMapper, defaultMessageOf } from './error-mapping.js';
import type { CredentialKind } from './types.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const cloudError = (message: string) => json({ type: 'error', error: { message } });

function map(
  status: number,
  body: Buffer | string = '',
  headers: Record<string, string> = {},
  credentialKind: CredentialKind | undefined = 'bearer',
) {
  return defaultErrorMapper({
    status,
    headers,
    body: typeof body === 'string' ? Buffer.from(body) : body,
    method: 'GET',
    path: '/2.0/repositories/ws',
    credentialKind,
    redact: (text) => text,
  });
}

describe('createErrorMapper', () => {
  it.each<[number, ErrorCode, Disposition]>([
    [401, 'invalid_credentials', 'fatal'],
    [403, 'invalid_permissions', 'skippable'],
    [404, 'not_found', 'skippable'],
    [410, 'not_found', 'skippable'],
    [429, 'rate_limited', 'retriable'],
    [500, 'server_error', 'retriable'],
    [502, 'server_error', 'retriable'],
    [503, 'server_error', 'retriable'],
    [400, 'bad_response', 'fatal'],
    [405, 'bad_response', 'fatal'],
    [409, 'bad_response', 'fatal'],
    [408, 'network_error', 'retriable'],
    [301, 'pagination_error', 'fatal'],
    [200, 'bad_response', 'retriable'],
  ])('HTTP %i -> %s (%s)', (status, code, disposition) => {
    const error = map(status, status === 200 ? '{"values": [' : cloudError('nope'));
    expect(error.code).toBe(code);
    expect(error.disposition).toBe(disposition);
    expect(error.status).toBe(status);
    expect(error.method).toBe('GET');
    expect(error.path).toBe('/2.0/repositories/ws');
    expect(error.message).toContain(`HTTP ${status} on GET /2.0/repositories/ws`);
  });

  it("quotes the API's own message", () => {
    expect(map(404, cloudError('Repository dev/null not found')).message).toBe('HTTP 404 on GET /2.0/repositories/ws: Repository dev/null not found');
    const dc = json({ errors: [{ context: null, message: 'Pull request 9999 does not exist in SOUR/vegeta.', exceptionName: 'x' }] });
    expect(map(404, dc).message).toContain('Pull request 9999 does not exist in SOUR/vegeta.');
  });

  it("treats Cloud's text/plain 429 as text, never as JSON", () => {
    const error = map(429, 'Rate limit for this resource has been exceeded', { 'content-type': 'text/plain' });
    expect(error.code).toBe('rate_limited');
    expect(error.message).toContain('Rate limit for this resource has been exceeded');
  });

  it('recognises HTML proxy and maintenance pages', () => {
    const page = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';
    const gateway = map(502, page, { 'content-type': 'text/html' });
    expect(gateway.code).toBe('server_error');
    expect(gateway.message).toContain('HTML page titled "502 Bad Gateway"');
    expect(gateway.hint).toMatch(/HTML/);
    const login = map(200, '<html><title>Sign in</title></html>');
    expect(login.code).toBe('bad_response');
    expect(login.hint).toMatch(/proxy/);
    const forbidden = map(403, '<html><title>Access denied</title></html>');
    expect(forbidden.code).toBe('invalid_permissions');
    expect(forbidden.hint).toMatch(/proxy/);
  });

  it('tolerates a JSON content type with a broken body', () => {
    const error = map(500, '{"errors": [', { 'content-type': 'application/json' });
    expect(error.code).toBe('server_error');
  });

  it('truncates long API messages to 300 characters', () => {
    const error = map(400, cloudError('x'.repeat(5000)));
    const quoted = error.message.split(': ')[1]!;
    expect(quoted.length).toBeLessThanOrEqual(300);
  });

  it('hints at app-password removal for a Basic 401', () => {
    expect(map(401, cloudError('Unauthorized'), {}, 'basic').hint).toMatch(/2026-07-28.*email/s);
    expect(map(401, '', {}, 'bearer').hint).not.toMatch(/2026-07-28/);
  });

  it('does not quote the query of a redirect target', () => {
    const error = map(302, '', { location: 'https://sso.example.com/login?token=abc' });
    expect(error.message).toContain('https://sso.example.com/login');
    expect(error.message).not.toContain('token=abc');
  });

  it('uses connector-supplied messageOf and scopeHint', () => {
    const mapper = createErrorMapper({
      messageOf: (value) => (value as { oops?: string }).oops,
      scopeHint: (headers) => (headers['x-accepted-oauth-scopes'] ? `Needs scope ${headers['x-accepted-oauth-scopes']}` : undefined),
    });
    const error = mapper({
      status: 403,
      headers: { 'x-accepted-oauth-scopes': 'pullrequest' },
      body: json({ oops: 'custom' }),
      method: 'GET',
      path: '/p',
      credentialKind: 'bearer',
      redact: (text) => text,
    });
    expect(error.message).toBe('HTTP 403 on GET /p: custom');
    expect(error.hint).toBe('Needs scope pullrequest');
  });
});

describe('defaultMessageOf', () => {
  it.each<[unknown, string | undefined]>([
    [{ type: 'error', error: { message: 'm', detail: 'd' } }, 'm (d)'],
    [{ errors: [{ message: 'a' }, { message: 'b' }] }, 'a; b'],
    [{ message: 'top' }, 'top'],
    [{ error: 'invalid_grant', error_description: 'expired' }, 'expired'],
    [{ error: 'plain' }, 'plain'],
    [{ nothing: true }, undefined],
    [null, undefined],
    [[1, 2], undefined],
  ])('%j -> %j', (value, expected) => {
    expect(defaultMessageOf(value)).toBe(expected);
  });
});
