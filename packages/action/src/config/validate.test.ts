import { isBbsyncError } from '@bbsync/core';
import { describe, expect, it } from 'vitest';
import { buildOverrides, mergeConfig } from './options.js';
import { ConfigProblems, failsRun, validateConfig, type ValidateOptions } from './validate.js';
import type { ConfigProblem } from './issues.js';

const NOW = Date.UTC(2026, 10, 1);
const KNOWN = { cloud: ['repositories', 'pull_requests', 'commits'], datacenter: ['repositories', 'pull_requests'] };
const OPTIONS: ValidateOptions = { knownStreams: KNOWN, now: NOW, env: { BB_TOKEN: 'from-env-secret' } };
const BASE = { source: 'cloud', cloud: { workspace: 'acme' }, credentials: [{ accessToken: 's3cr3t-token' }] };

function messageOf(raw: unknown, options: ValidateOptions = OPTIONS): string {
  try {
    validateConfig(raw, options);
  } catch (error) {
    expect(isBbsyncError(error, 'config_error')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a config error');
}

describe('validateConfig', () => {
  it('accepts a minimal Cloud config and applies defaults', () => {
    const config = validateConfig(BASE, OPTIONS);
    expect(config).toMatchObject({
      source: 'cloud',
      cloud: { workspace: 'acme', baseUrl: 'https://api.bitbucket.org/2.0' },
      concurrency: 4,
      maxRateLimitWaitMinutes: 10,
      artifact: { name: 'bbsync' },
      cacheKeyPrefix: 'bbsync-v1',
    });
    expect(config.credentials).toEqual([expect.objectContaining({ accessToken: 's3cr3t-token' })]);
  });

  it('passes connector settings through and resolves $ENV references', () => {
    const config = validateConfig({ ...BASE, cloud: { workspace: 'acme', pullRequestOverlapMinutes: 3 }, credentials: [{ accessToken: '$BB_TOKEN' }] }, OPTIONS);
    expect(config.cloud?.pullRequestOverlapMinutes).toBe(3);
    expect(config.credentials[0]?.accessToken).toBe('from-env-secret');
  });

  it('turns lookbackDays into a start date and parses shards', () => {
    const config = validateConfig({ ...BASE, lookbackDays: 10, shard: '2/4' }, OPTIONS);
    expect(config.startDate?.toISOString()).toBe(new Date(NOW - 10 * 86_400_000).toISOString());
    expect(config.shard).toEqual({ index: 2, count: 4 });
  });

  // Each case: the config, and what the message must say (the field first).
  const cases: [string, unknown, RegExp][] = [
    ['missing workspace', { source: 'cloud', credentials: [{ accessToken: 'x' }] }, /^cloud\.workspace: is required when source is cloud \(allowed: /m],
    ['missing source', { cloud: { workspace: 'a' }, credentials: [{ accessToken: 'x' }] }, /^source: is required \(allowed: cloud, datacenter\)/m],
    ['unknown source', { ...BASE, source: 'github' }, /^source: "github" is not valid \(allowed: cloud, datacenter\)/m],
    ['missing Data Center base URL', { source: 'datacenter', credentials: [{ accessToken: 'x' }] }, /^datacenter\.baseUrl: is required when source is datacenter/m],
    ['token and password on one credential', { ...BASE, credentials: [{ accessToken: 'a-secret', password: 'p-secret' }] }, /^credentials\[0\]: mixes accessToken and password \(allowed: exactly one of accessToken, email \+ apiToken, username \+ password\)/m],
    ['email without api token', { ...BASE, credentials: [{ email: 'me@example.com' }] }, /^credentials\[0\]: has email only \(allowed: email together with apiToken\)/m],
    ['a credential with no secret', { ...BASE, credentials: [{ label: 'ci' }] }, /^credentials\[0\]: has no secret/m],
    ['empty credentials', { ...BASE, credentials: [] }, /^credentials: no credential given \(allowed: at least one of access-token, email \+ api-token, username \+ password, or credentials\)/m],
    ['no credentials at all', { source: 'cloud', cloud: { workspace: 'a' } }, /^credentials: no credential given/m],
    ['an empty secret', { ...BASE, credentials: [{ accessToken: '' }] }, /^credentials\[0\]\.accessToken: is empty/m],
    ['an unset env reference', { ...BASE, credentials: [{ accessToken: '$NOT_SET' }] }, /^credentials\[0\]\.accessToken: environment variable NOT_SET is not set or empty/m],
    ['malformed shard', { ...BASE, shard: 'two' }, /^shard: "two" is not valid \(allowed: i\/n with 1 <= i <= n\)/m],
    ['shard index past the count', { ...BASE, shard: '5/4' }, /^shard: "5\/4" is not valid \(allowed: i\/n with 1 <= i <= n\)/m],
    ['shard zero', { ...BASE, shard: '0/4' }, /^shard: "0\/4" is not valid/m],
    ['unknown stream', { ...BASE, streams: ['repositories', 'issues'] }, /^streams\[1\]: "issues" is not a cloud stream \(allowed: repositories, pull_requests, commits\)/m],
    ['unknown stream on a credential', { ...BASE, credentials: [{ accessToken: 'x', streams: ['pipelines'] }], source: 'datacenter', datacenter: { baseUrl: 'https://bb.example.com' } }, /^credentials\[0\]\.streams\[0\]: "pipelines" is not a datacenter stream/m],
    ['a date that is not a date', { ...BASE, startDate: '2026-13-45' }, /^startDate: "2026-13-45" is not a valid date \(allowed: an ISO 8601 date/m],
    ['a date in words', { ...BASE, startDate: 'last tuesday' }, /^startDate: "last tuesday" is not a valid date/m],
    ['a date in the future', { ...BASE, startDate: '2030-01-01' }, /^startDate: "2030-01-01" is in the future/m],
    ['both startDate and lookbackDays', { ...BASE, startDate: '2026-01-01', lookbackDays: 3 }, /^startDate: is set together with lookbackDays \(allowed: one of startDate or lookbackDays\)/m],
    ['negative lookbackDays', { ...BASE, lookbackDays: -3 }, /^lookbackDays: -3 is too small/m],
    ['a base URL that is not a URL', { ...BASE, cloud: { workspace: 'a', baseUrl: 'api.bitbucket.org' } }, /^cloud\.baseUrl: is not an absolute URL .*\(allowed: an absolute https:\/\/ URL/m],
    ['a base URL with another scheme', { ...BASE, cloud: { workspace: 'a', baseUrl: 'ftp://host/2.0' } }, /^cloud\.baseUrl: has scheme ftp/m],
    ['concurrency out of range', { ...BASE, concurrency: 64 }, /^concurrency: 64 is too large \(allowed: a whole number from 1 to 32\)/m],
    // The allowed range is the schema's true one: `.int().positive()` is ">= 1", not ">= 0".
    ['a zero time budget', { ...BASE, budgets: { maxMinutes: 0 } }, /^budgets\.maxMinutes: 0 is too small \(allowed: a number > 0 and <= 525600\)$/m],
    ['a negative request budget', { ...BASE, budgets: { maxRequests: -1 } }, /^budgets\.maxRequests: -1 is too small \(allowed: a whole number >= 1\)$/m],
    ['a negative lookback', { ...BASE, lookbackDays: -3 }, /^lookbackDays: -3 is too small \(allowed: a whole number >= 1\)$/m],
    ['a negative hourly allowance', { ...BASE, credentials: [{ accessToken: 's3cr3t-token', requestsPerHour: -5 }] }, /^credentials\[0\]\.requestsPerHour: -5 is too small \(allowed: a whole number >= 1\)$/m],
    ['a time budget past any deadline', { ...BASE, budgets: { maxMinutes: 1e308 } }, /^budgets\.maxMinutes: 1e\+308 is too large \(allowed: a number > 0 and <= 525600\)$/m],
    ['an output folder that is a file', { ...BASE, output: { dir: '/etc/passwd' } }, /^output\.dir: "\/etc\/passwd" is not a folder \(allowed: a folder, or a path where one can be created\)$/m],
    ['an output folder below a file', { ...BASE, output: { dir: '/etc/passwd/runs' } }, /^output\.dir: "\/etc\/passwd\/runs" cannot be created: "\/etc\/passwd" is not a folder/m],
    ['a state folder that is a device', { ...BASE, output: { stateDir: '/dev/null' } }, /^output\.stateDir: "\/dev\/null" is not a folder/m],
    ['a top-level __proto__ key', JSON.parse('{"source":"cloud","cloud":{"workspace":"a"},"credentials":[{"accessToken":"x"}],"__proto__":{"x":1}}'), /^__proto__: is not a known field \(allowed: source, /m],
    ['a number as text', { ...BASE, budgets: { maxRequests: 'lots' } }, /^budgets\.maxRequests: "lots" is not valid \(allowed: a whole number >= 1\)/m],
    ['a fraction where a whole number goes', { ...BASE, concurrency: 1.5 }, /^concurrency: 1\.5 is not valid \(allowed: a whole number from 1 to 32\)$/m],
    ['an unknown field', { ...BASE, workspaces: 'x' }, /^workspaces: is not a known field \(allowed: source, cloud, datacenter, credentials/m],
    ['retention out of range', { ...BASE, artifact: { retentionDays: 0 } }, /^artifact\.retentionDays: 0 is too small/m],
  ];

  it.each(cases)('%s', (_name, raw, expected) => {
    expect(messageOf(raw)).toMatch(expected);
  });

  it('reports every problem at once', () => {
    const error = (() => {
      try {
        validateConfig({ source: 'cloud', shard: '9/2', startDate: 'nope' }, OPTIONS);
      } catch (e) {
        return e as ConfigProblems;
      }
      throw new Error('expected an error');
    })();
    expect(error.problems.map((p: ConfigProblem) => p.field)).toEqual(['cloud.workspace', 'credentials', 'shard', 'startDate']);
  });

  it('never echoes a secret value', () => {
    const message = messageOf({ ...BASE, credentials: [{ accessToken: 'tok-AAAA-very-secret', password: 'pw-BBBB-very-secret', requestsPerHour: 'x' }] });
    expect(message).not.toContain('very-secret');
    const typed = messageOf({ ...BASE, credentials: [{ accessToken: 12345678 }] });
    expect(typed).toMatch(/credentials\[0\]\.accessToken: this value is not valid/);
    expect(typed).not.toContain('12345678');
  });

  it.each([
    ['a token in the query', 'http://127.0.0.1:9/?token=BBDC-query-SECRET-0123456789', /^cloud\.baseUrl: "http:\/\/127\.0\.0\.1:9\/" has a query \(not shown\)/m],
    ['a PAT as user info of another scheme', 'ftp://admin:PAT-userinfo-SECRET-0123456789@host', /^cloud\.baseUrl: has scheme ftp/m],
    ['a misspelt scheme with a token', 'htp://host/x?token=BBDC-htp-SECRET-0123456789', /^cloud\.baseUrl: has scheme htp/m],
    ['a PAT in the fragment', 'https://host/path#PAT-fragment-SECRET-0123456789', /^cloud\.baseUrl: "https:\/\/host\/path" has a fragment \(not shown\)/m],
    ['a token as an opaque URL', 'BBDC-opaque:SECRET-0123456789', /^cloud\.baseUrl: has a scheme other than http or https/m],
    ['a token instead of a URL', 'BBDC-notaurl-SECRET-0123456789', /^cloud\.baseUrl: is not an absolute URL/m],
  ])('never echoes the query, fragment or user info of a bad base URL: %s', (_name, baseUrl, expected) => {
    const message = messageOf({ ...BASE, cloud: { workspace: 'a', baseUrl } });
    expect(message).toMatch(expected);
    expect(message).not.toMatch(/SECRET|BBDC|PAT-/);
  });

  it('blanks configured secrets (inline and from the environment) out of every message', () => {
    const inline = 'inline-SECRET-token-0123456789';
    const fromEnv = 'from-env-secret';
    const message = messageOf({ ...BASE, cloud: { workspace: 'a' }, startDate: inline, shard: fromEnv, credentials: [{ accessToken: inline }, { accessToken: '$BB_TOKEN' }] });
    expect(message).toMatch(/^startDate: "\*\*\*" is not a valid date/m);
    expect(message).toMatch(/^shard: "\*\*\*" is not valid/m);
    expect(message).not.toContain(inline);
    expect(message).not.toContain(fromEnv);
  });
});

describe('inputs and flags', () => {
  const inputName = (name: string) => `input "${name}"`;

  function fromInputs(values: Record<string, string>, file: Record<string, unknown> = {}): string {
    const problems: ConfigProblem[] = [];
    const overrides = buildOverrides(values, file, inputName, problems);
    if (problems.length > 0) return new ConfigProblems(problems).message;
    try {
      validateConfig(mergeConfig(file, overrides.config), { ...OPTIONS, fieldLabels: overrides.labels });
    } catch (error) {
      return (error as Error).message;
    }
    return 'ok';
  }

  it('names the input, not the config field', () => {
    expect(fromInputs({ source: 'cloud', workspace: 'a', 'access-token': 't', shard: '5/4' })).toMatch(/^input "shard": "5\/4" is not valid \(allowed: i\/n with 1 <= i <= n\)/);
    expect(fromInputs({ source: 'cloud', workspace: 'a', 'access-token': 't', 'max-requests': 'many' })).toMatch(/^input "max-requests": "many" is not valid/);
    expect(fromInputs({ source: 'cloud', 'access-token': 't' })).toMatch(/^cloud\.workspace: is required/);
    expect(fromInputs({ source: 'datacenter', 'base-url': 'nope', 'access-token': 't' })).toMatch(/^input "base-url": is not an absolute URL/);
    expect(fromInputs({ source: 'cloud', workspace: 'a', email: 'me@example.com' })).toMatch(/^input "email" \+ input "api-token": has email only/);
  });

  it('inputs override the file; lists split on commas and newlines', () => {
    const problems: ConfigProblem[] = [];
    const file = { source: 'cloud', cloud: { workspace: 'from-file' }, streams: ['a'] };
    const overrides = buildOverrides({ workspace: 'from-input', streams: 'repositories,\npull_requests', 'lookback-days': '7' }, file, inputName, problems);
    expect(mergeConfig(file, overrides.config)).toEqual({
      source: 'cloud',
      cloud: { workspace: 'from-input' },
      streams: ['repositories', 'pull_requests'],
      lookbackDays: 7,
    });
  });

  it('parses credentials as JSON, lines, or a bare token, and never echoes them on errors', () => {
    const problems: ConfigProblem[] = [];
    const overrides = buildOverrides(
      { credentials: 'access-token=AT=x1 label=ci streams=repositories,commits\nemail=me@example.com api-token=TOKEN2', 'access-token': 'T3' },
      { source: 'cloud' },
      inputName,
      problems,
    );
    expect(problems).toEqual([]);
    expect(overrides.config.credentials).toEqual([
      { accessToken: 'AT=x1', label: 'ci', streams: ['repositories', 'commits'] },
      { email: 'me@example.com', apiToken: 'TOKEN2' },
      { accessToken: 'T3' },
    ]);
    expect(buildOverrides({ credentials: 'BARE-TOKEN' }, {}, inputName, problems).config.credentials).toEqual([{ accessToken: 'BARE-TOKEN' }]);
    expect(buildOverrides({ credentials: '[{"username":"u","password":"p"}]' }, {}, inputName, problems).config.credentials).toEqual([{ username: 'u', password: 'p' }]);
    expect(fromInputs({ source: 'cloud', workspace: 'a', credentials: '[{"accessToken": "leak-me" ' })).toBe('input "credentials": is not valid JSON (allowed: a JSON list of credential objects, or one credential per line)');
    expect(fromInputs({ source: 'cloud', workspace: 'a', credentials: 'leak-me other-leak' })).not.toContain('leak');
  });

  it('refuses a mistyped credential key instead of sending the line as a bearer token', () => {
    for (const line of ['accesToken=leak-me-0123', 'acess-token=leak-me-0123 label=ci', 'access_token=leak-me-0123']) {
      const message = fromInputs({ source: 'cloud', workspace: 'a', credentials: line });
      expect(message).toMatch(/^input "credentials" \(line 1, word 1\): has the unknown key "(accesToken|acess-token|access_token)" \(allowed: access-token=, .*email=, api-token=, .*username=, .*password=/);
      expect(message).not.toContain('leak-me');
    }
    // A bare token may hold `=` (base64 padding, Cloud's `...=1A2B`): it is still a token.
    const problems: ConfigProblem[] = [];
    expect(buildOverrides({ credentials: 'ATCTT3xFfGN0abc123DEF456=1A2B3C4D' }, {}, inputName, problems).config.credentials).toEqual([{ accessToken: 'ATCTT3xFfGN0abc123DEF456=1A2B3C4D' }]);
    expect(buildOverrides({ credentials: 'QkJEQy10b2tlbi1hYmM=' }, {}, inputName, problems).config.credentials).toEqual([{ accessToken: 'QkJEQy10b2tlbi1hYmM=' }]);
    expect(problems).toEqual([]);
  });

  it('names a top-level __proto__ key by its name, with input labels in play', () => {
    const file = JSON.parse('{"source":"cloud","cloud":{"workspace":"a"},"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const message = fromInputs({ 'access-token': 't', 'max-requests': '5' }, file);
    expect(message).toMatch(/^__proto__: is not a known field/m);
    expect(message).not.toContain('[object Object]');
  });
});

describe('failOn', () => {
  it('defaults to partial, accepts failed and never, and names the field and the allowed values otherwise', () => {
    expect(validateConfig(BASE, OPTIONS).failOn).toBe('partial');
    expect(validateConfig({ ...BASE, failOn: 'never' }, OPTIONS).failOn).toBe('never');
    const labels = buildOverrides({ 'fail-on': 'sometimes' }, BASE, (name) => `--${name}`, []);
    const message = messageOf(mergeConfig(BASE, labels.config), { ...OPTIONS, fieldLabels: labels.labels });
    expect(message).toContain('--fail-on');
    expect(message).toMatch(/failed.*partial.*never/);
  });

  it('fails a partial run unless failOn is failed or never, a failed run unless never, never a complete or stopped one', () => {
    const table = (['complete', 'stopped', 'partial', 'failed'] as const).map((status) => [status, (['partial', 'failed', 'never'] as const).map((failOn) => failsRun(status, failOn))]);
    expect(Object.fromEntries(table)).toEqual({
      complete: [false, false, false],
      stopped: [false, false, false],
      partial: [true, false, false],
      failed: [true, true, false],
    });
  });
});
