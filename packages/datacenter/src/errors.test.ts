import { describe, expect, it } from 'vitest';
import { createDataCenterErrorMapper, dataCenterMessageOf } from './errors.js';

const map = createDataCenterErrorMapper();
const json = (body: unknown) => Buffer.from(JSON.stringify(body));
const input = (status: number, body: Buffer, contentType = 'application/json') => ({
  status,
  headers: { 'content-type': contentType },
  body,
  method: 'GET',
  path: '/projects/P/repos/r/commits',
  credentialKind: 'basic' as const,
  redact: (text: string) => text,
});

describe('Data Center error mapping', () => {
  it('reads {errors:[{context, message}]}', () => {
    expect(dataCenterMessageOf({ errors: [{ context: 'limit', message: 'too big', exceptionName: null }, { message: 'second' }] })).toBe(
      'limit: too big; second',
    );
    expect(dataCenterMessageOf({ nothing: true })).toBeUndefined();
  });

  it('tells a missing permission (401) from bad credentials (401)', () => {
    const permission = map(
      input(401, json({ errors: [{ context: null, message: 'You are not permitted to access this resource', exceptionName: 'com.atlassian.bitbucket.AuthorisationException' }] })),
    );
    expect(permission.code).toBe('invalid_permissions');
    expect(permission.disposition).toBe('skippable');
    expect(permission.message).toContain('not permitted');

    const credentials = map(
      input(401, json({ errors: [{ context: null, message: 'Authentication failed. Please check your credentials and try again.', exceptionName: 'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException' }] })),
    );
    expect(credentials.code).toBe('invalid_credentials');
    expect(credentials.disposition).toBe('fatal');
    expect(credentials.hint).toContain('accessToken');

    // Servers have been seen naming AuthorisationException for bad credentials too: the message decides.
    const same = map(
      input(401, json({ errors: [{ context: null, message: 'Authentication failed. Please check your credentials and try again.', exceptionName: 'com.atlassian.bitbucket.AuthorisationException' }] })),
    );
    expect(same.code).toBe('invalid_credentials');
  });

  it('maps HTML proxy pages with the status and a hint', () => {
    const page = Buffer.from('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
    const error = map(input(502, page, 'text/html'));
    expect(error.code).toBe('server_error');
    expect(error.status).toBe(502);
    expect(error.message).toContain('502 Bad Gateway');
    expect(error.hint).toMatch(/HTML/);
    const maintenance = map(input(200, Buffer.from('<!DOCTYPE html><title>Maintenance</title>'), 'text/html'));
    expect(maintenance.code).toBe('bad_response');
  });

  it('keeps 404 as not_found', () => {
    const error = map(input(404, json({ errors: [{ message: 'Repository P/r does not exist.', exceptionName: 'com.atlassian.bitbucket.repository.NoSuchRepositoryException' }] })));
    expect(error.code).toBe('not_found');
  });
});
