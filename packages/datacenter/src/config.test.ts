import { isBbsyncError } from '@bbsync/core';
import { describe, expect, it } from 'vitest';
import { apiBaseUrl, parseDataCenterConfig } from './config.js';
import { DEFAULT_DATA_CENTER_RULES } from './deployments/rules.js';

function configErrorOf(run: () => unknown): { field: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (isBbsyncError(error, 'config_error')) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a config_error');
}

describe('parseDataCenterConfig', () => {
  it('applies defaults', () => {
    const config = parseDataCenterConfig({ baseUrl: 'https://bitbucket.example.com/' });
    expect(config).toEqual({
      baseUrl: 'https://bitbucket.example.com',
      apiPath: 'rest/api/1.0',
      projects: [],
      repositories: { include: [], exclude: [] },
      rateLimit: { enabled: true, adaptive: true, capacity: 60, refillPerSecond: 5 },
      caCertificates: undefined,
      lookbackCommits: 200,
      forcePushLookbackDays: 30,
      pageSize: 1000,
      deployments: DEFAULT_DATA_CENTER_RULES,
      bots: [],
    });
    expect(apiBaseUrl(config)).toBe('https://bitbucket.example.com/rest/api/1.0');
  });

  it('keeps a context path', () => {
    const config = parseDataCenterConfig({ baseUrl: 'http://localhost:7990/bitbucket' });
    expect(apiBaseUrl(config)).toBe('http://localhost:7990/bitbucket/rest/api/1.0');
  });

  it.each([
    ['https://host/bitbucket/rest/api/1.0', 'https://host/bitbucket', 'rest/api/1.0'],
    ['https://host/bitbucket/rest/api/latest/', 'https://host/bitbucket', 'rest/api/latest'],
    ['https://host/rest/api/1.0', 'https://host', 'rest/api/1.0'],
  ])('splits a full API URL %s', (baseUrl, server, apiPath) => {
    const config = parseDataCenterConfig({ baseUrl });
    expect(config.baseUrl).toBe(server);
    expect(config.apiPath).toBe(apiPath);
  });

  it('accepts apiPath latest', () => {
    const config = parseDataCenterConfig({ baseUrl: 'https://host', apiPath: '/rest/api/latest/' });
    expect(apiBaseUrl(config)).toBe('https://host/rest/api/latest');
  });

  it('refuses an apiPath that contradicts the URL', () => {
    const error = configErrorOf(() => parseDataCenterConfig({ baseUrl: 'https://host/rest/api/1.0', apiPath: 'rest/api/latest' }));
    expect(error.field).toBe('baseUrl');
  });

  it.each(['https://host/rest', 'https://host/ctx/rest/api'])('refuses the ambiguous %s', (baseUrl) => {
    expect(configErrorOf(() => parseDataCenterConfig({ baseUrl })).field).toBe('baseUrl');
  });

  it.each([undefined, 'ftp://host', 'not a url', 'https://user:pw@host', 'https://host?x=1'])('refuses baseUrl %s', (baseUrl) => {
    const error = configErrorOf(() => parseDataCenterConfig({ baseUrl }, 'datacenter'));
    expect(error.field).toBe('datacenter.baseUrl');
    expect(error.message).not.toContain('pw');
  });

  it('parses rate limit shorthands and objects', () => {
    expect(parseDataCenterConfig({ baseUrl: 'https://h', rateLimit: false }).rateLimit.enabled).toBe(false);
    expect(parseDataCenterConfig({ baseUrl: 'https://h', rateLimit: true }).rateLimit).toEqual({ enabled: true, adaptive: false, capacity: 60, refillPerSecond: 5 });
    expect(parseDataCenterConfig({ baseUrl: 'https://h', rateLimit: { capacity: 10, refillPerSecond: 2 } }).rateLimit).toEqual({
      enabled: true,
      adaptive: false,
      capacity: 10,
      refillPerSecond: 2,
    });
    expect(configErrorOf(() => parseDataCenterConfig({ baseUrl: 'https://h', rateLimit: { burst: 3 } })).field).toBe('rateLimit.burst');
  });

  it('validates deployment rules and bots, naming the field', () => {
    const rules = [{ name: 'prod', releaseBranch: 'refs/heads/production', environment: 'production' }];
    expect(parseDataCenterConfig({ baseUrl: 'https://h', deployments: { rules } }).deployments).toEqual([{ name: 'prod', tag: undefined, releaseBranch: 'production', environment: 'production', environmentType: undefined }]);
    const field = (deployments: unknown) => configErrorOf(() => parseDataCenterConfig({ baseUrl: 'https://h', deployments })).field;
    expect(field([])).toBe('deployments');
    expect(field({ rules: [{ name: 'a', environment: 'p' }] })).toBe('deployments.rules[0].tag');
    expect(field({ rules: [{ name: 'a', tag: 'v*', releaseBranch: 'main', environment: 'p' }] })).toBe('deployments.rules[0].tag');
    expect(field({ rules: [{ name: 'a', releaseBranch: 'release/*', environment: 'p' }] })).toBe('deployments.rules[0].releaseBranch');
    expect(field({ rules: [{ name: 'a', tag: 'v*' }] })).toBe('deployments.rules[0].environment');
    expect(field({ rules: [{ name: 'a b', tag: 'v*', environment: 'p' }] })).toBe('deployments.rules[0].name');
    expect(field({ rules: [{ name: 'a', tag: 'v*', environment: 'p', environmentType: 'prod' }] })).toBe('deployments.rules[0].environmentType');
    expect(field({ rules: [{ name: 'a', tag: 'v*', environment: 'p', when: 1 }] })).toBe('deployments.rules[0].when');
    expect(configErrorOf(() => parseDataCenterConfig({ baseUrl: 'https://h', bots: [1] })).field).toBe('bots');
  });

  it('validates projects, filters and numbers', () => {
    expect(parseDataCenterConfig({ baseUrl: 'https://h', projects: ['PROJ', '~jdoe'] }).projects).toEqual(['PROJ', '~jdoe']);
    expect(configErrorOf(() => parseDataCenterConfig({ baseUrl: 'https://h', projects: ['a/b'] })).field).toBe('projects[0]');
    expect(configErrorOf(() => parseDataCenterConfig({ baseUrl: 'https://h', repositories: { include: [''] } })).field).toBe('repositories.include');
    expect(configErrorOf(() => parseDataCenterConfig({ baseUrl: 'https://h', lookbackCommits: 0 })).field).toBe('lookbackCommits');
    expect(configErrorOf(() => parseDataCenterConfig({ baseUrl: 'https://h', pageSize: 2.5 })).field).toBe('pageSize');
    expect(configErrorOf(() => parseDataCenterConfig({ baseUrl: 'https://h', disableTls: true })).field).toBe('disableTls');
  });
});
