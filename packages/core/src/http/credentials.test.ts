import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BbsyncError } from '../errors.js';
import { parseCredentials } from './credentials.js';
import { globMatcher } from './glob.js';
import type { CredentialConfig } from './types.js';

function configErrorOf(configs: unknown, prefix?: string): BbsyncError {
  try {
    parseCredentials(configs as CredentialConfig[], prefix);
  } catch (error) {
    expect(error).toBeInstanceOf(BbsyncError);
    expect((error as BbsyncError).code).toBe('config_error');
    return error as BbsyncError;
  }
  throw new Error('expected a config error');
}

describe('parseCredentials', () => {
  it('parses the three forms', () => {
    const [token, api, password] = parseCredentials([
      { accessToken: 'tok-1' },
      { email: 'Me@Example.com', apiToken: 'api-1', label: 'mine' },
      { username: 'me', password: 'pw-1', streams: ['pull_requests'] },
    ]);
    expect(token).toMatchObject({ index: 0, kind: 'bearer', form: 'access_token', label: 'credential #0' });
    expect(token!.authorization()).toBe('Bearer tok-1');
    expect(api).toMatchObject({ index: 1, kind: 'basic', form: 'api_token', label: 'mine' });
    expect(api!.authorization()).toBe(`Basic ${Buffer.from('Me@Example.com:api-1').toString('base64')}`);
    expect(password).toMatchObject({ kind: 'basic', form: 'password', streams: ['pull_requests'] });
  });

  it('trims a trailing newline from secrets', () => {
    const [credential] = parseCredentials([{ accessToken: 'tok-1\n' }]);
    expect(credential!.authorization()).toBe('Bearer tok-1');
  });

  it.each<[unknown, string]>([
    [[{ accessToken: 'a' }, { accessToken: 'b' }, { accessToken: 't', password: 'p' }], 'credentials[2].password'],
    [[{ accessToken: 't', email: 'e', apiToken: 'x' }], 'credentials[0].apiToken'],
    [[{ email: 'e@x' }], 'credentials[0].apiToken'],
    [[{ apiToken: 'x' }], 'credentials[0].email'],
    [[{ username: 'u' }], 'credentials[0].password'],
    [[{ password: 'p' }], 'credentials[0].username'],
    [[{ accessToken: '' }], 'credentials[0].accessToken'],
    [[{ accessToken: '   ' }], 'credentials[0].accessToken'],
    [[{ username: '', password: 'p' }], 'credentials[0].username'],
    [[{ username: 'a:b', password: 'p' }], 'credentials[0].username'],
    [[{ accessToken: 'a\nb' }], 'credentials[0].accessToken'],
    [[{ accessToken: 42 }], 'credentials[0].accessToken'],
    [[{}], 'credentials[0]'],
    [[null], 'credentials[0]'],
    [[{ accessToken: 't', streams: [] }], 'credentials[0].streams'],
    [[{ accessToken: 't', repositories: ['ok', ''] }], 'credentials[0].repositories[1]'],
    [[{ accessToken: 't', requestsPerHour: 0 }], 'credentials[0].requestsPerHour'],
    [[{ accessToken: 't', label: '' }], 'credentials[0].label'],
    ['nope', 'credentials'],
  ])('names the field at fault: %j -> %s', (configs, field) => {
    const error = configErrorOf(configs);
    expect(error.field).toBe(field);
    expect(error.message.startsWith(field)).toBe(true);
    expect(error.message).toMatch(/allowed/);
  });

  it('uses the field prefix and never quotes the secret', () => {
    const error = configErrorOf([{ accessToken: 'very-secret-value', password: 'other-secret' }], 'inputs.credentials');
    expect(error.field).toBe('inputs.credentials[0].password');
    expect(error.message).not.toContain('very-secret-value');
    expect(error.message).not.toContain('other-secret');
  });

  it('gives access tokens their own identity and Basic credentials of one user a shared one', () => {
    const [a, b, c, d, e] = parseCredentials([
      { accessToken: 'tok-1' },
      { accessToken: 'tok-2' },
      { email: 'Me@Example.com', apiToken: 'x' },
      { email: 'me@example.com', apiToken: 'y' },
      { username: 'other', password: 'x' },
    ]);
    expect(a!.identity).not.toBe(b!.identity);
    expect(c!.identity).toBe(d!.identity);
    expect(c!.identity).not.toBe(e!.identity);
    for (const credential of [a, b, c, d, e]) expect(credential!.identity).not.toMatch(/tok-|x|y/);
  });

  it('shows only index, label and kind when serialized or inspected', () => {
    const [credential] = parseCredentials([{ email: 'me@example.com', apiToken: 'the-api-token-123', label: 'ci' }]);
    expect(JSON.parse(JSON.stringify(credential))).toEqual({ index: 0, label: 'ci', kind: 'basic' });
    const shown = inspect(credential, { showHidden: true, depth: 5 });
    expect(shown).toContain('ci');
    expect(shown).not.toContain('the-api-token-123');
    expect(shown).not.toContain(Buffer.from('me@example.com:the-api-token-123').toString('base64'));
    expect(JSON.stringify({ ...credential })).not.toContain('the-api-token-123');
    expect(`${credential}`).not.toContain('the-api-token-123');
    expect(credential!.secrets()).toContain('the-api-token-123');
  });

  it('canServe checks streams, repository globs and what verification learned', () => {
    const [limited, open] = parseCredentials([
      { accessToken: 'a', streams: ['pull_requests', 'pull_request_*'], repositories: ['ws/api-*', 'ws/web'] },
      { accessToken: 'b' },
    ]);
    expect(limited!.canServe(undefined)).toBe(true);
    expect(limited!.canServe({ stream: 'pull_requests', repository: 'ws/api-core' })).toBe(true);
    expect(limited!.canServe({ stream: 'pull_request_comments', repository: 'WS/Web' })).toBe(true);
    expect(limited!.canServe({ stream: 'commits' })).toBe(false);
    expect(limited!.canServe({ stream: 'pull_requests', repository: 'ws/other' })).toBe(false);
    expect(limited!.canServe({ stream: 'pull_requests' })).toBe(true);
    open!.restrictTo(new Set(['ws/one']));
    expect(open!.canServe({ repository: 'ws/one' })).toBe(true);
    expect(open!.canServe({ repository: 'WS/ONE' })).toBe(true);
    expect(open!.canServe({ repository: 'ws/two' })).toBe(false);
    expect(open!.canServe({ stream: 'repositories' })).toBe(true);
  });
});

describe('globMatcher', () => {
  it.each<[string, string, boolean]>([
    ['ws/*', 'ws/repo', true],
    ['ws/*', 'ws/a/b', false],
    ['ws/**', 'ws/a/b', true],
    ['**/repo', 'ws/repo', true],
    ['ws/re?o', 'ws/repo', true],
    ['ws/re?o', 'ws/reo', false],
    ['ws/{api,web}-*', 'ws/web-ui', true],
    ['ws/{api,web}-*', 'ws/db-ui', false],
    ['ws/[a-c]*', 'ws/beta', true],
    ['ws/[!a-c]*', 'ws/beta', false],
    ['PROJ/repo.name', 'proj/repo.name', true],
    ['PROJ/repo.name', 'proj/repoXname', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['{unclosed', '{unclosed', true],
    ['(x)+', '(x)+', true],
  ])('%s matches %s: %s', (pattern, name, matches) => {
    expect(globMatcher([pattern])(name)).toBe(matches);
  });
});
