import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './cli-args.js';
import { syncJobFor } from './bench.js';
import { allSessions, LARGE, MEDIUM, selectSessions, type Session } from './scenarios.js';

describe('scenarios', () => {
  const all = allSessions({ quick: false });

  it('has every scenario of the issue for both connectors', () => {
    for (const api of ['cloud', 'datacenter'] as const) {
      const ids = all.filter((s) => s.api === api).flatMap((s) => s.steps.map((step) => step.id));
      expect(ids).toEqual([
        `${api}-medium-full`,
        `${api}-medium-unchanged`,
        `${api}-medium-changed`,
        `${api}-budgets-full`,
        `${api}-rate-limited-full`,
        `${api}-large-full`,
        ...(api === 'cloud' ? ['cloud-tokens-1-full', 'cloud-tokens-2-full', 'cloud-tokens-3-full'] : ['datacenter-tokens-1-full', 'datacenter-tokens-2-full', 'datacenter-tokens-4-full']),
        ...(api === 'datacenter' ? ['datacenter-pacing-off-full', 'datacenter-pacing-default-full', 'datacenter-pacing-tight-full'] : []),
      ]);
    }
  });

  it('scales credentials against the 1-credential run under the same binding limit, and leaves Data Center pacing unconfigured', () => {
    const tokens = all.filter((s) => s.profile === 'tokens');
    for (const session of tokens) {
      const one = all.find((s) => s.id === `${session.api}-tokens-1`);
      expect(session.rateLimits).toEqual(one?.rateLimits);
      expect(session.size).toEqual(one?.size);
      expect(session.scalingReference).toBe(session.credentials === 1 ? undefined : one?.id);
    }
    const pacing = all.filter((s) => s.profile === 'pacing');
    expect(pacing.map((s) => [s.id, s.rateLimits?.dataCenterBucket, s.dataCenterPacing])).toEqual([
      ['datacenter-pacing-off', undefined, 'unset'],
      ['datacenter-pacing-default', { capacity: 60, fillPerSecond: 5 }, 'unset'],
      ['datacenter-pacing-tight', { capacity: 10, fillPerSecond: 3 }, 'unset'],
    ]);
  });

  it('makes the large workspace exactly ten times the medium one', () => {
    expect(LARGE.repositories).toBe(10 * (MEDIUM.repositories ?? 0));
    expect(LARGE.pullRequestsPerRepo).toBe(MEDIUM.pullRequestsPerRepo);
    expect(LARGE.commitsPerRepo).toBe(MEDIUM.commitsPerRepo);
    expect(LARGE.pipelinesPerRepo).toBe(MEDIUM.pipelinesPerRepo);
  });

  it('selects sessions by prefix and runs an incremental step after its prerequisites, unreported', () => {
    expect(selectSessions(all, ['datacenter']).map((s) => s.id)).toEqual([
      'datacenter-medium',
      'datacenter-budgets',
      'datacenter-rate-limited',
      'datacenter-large',
      'datacenter-tokens-1',
      'datacenter-tokens-2',
      'datacenter-tokens-4',
      'datacenter-pacing-off',
      'datacenter-pacing-default',
      'datacenter-pacing-tight',
    ]);
    expect(selectSessions(all, ['datacenter-pacing']).map((s) => s.id)).toEqual(['datacenter-pacing-off', 'datacenter-pacing-default', 'datacenter-pacing-tight']);
    const [session] = selectSessions(all, ['cloud-medium-unchanged']);
    expect(session?.steps.map((s) => [s.id, s.report])).toEqual([
      ['cloud-medium-full', false],
      ['cloud-medium-unchanged', true],
    ]);
    expect(() => selectSessions(all, ['nope'])).toThrow(/unknown scenario 'nope'/);
  });
});

describe('parseBenchArgs', () => {
  it('parses the options', () => {
    expect(parseBenchArgs(['--scenarios', 'cloud,datacenter-large', '--quick', '--out=x.md'])).toEqual({
      scenarios: ['cloud', 'datacenter-large'],
      quick: true,
      out: 'x.md',
      startup: true,
      largeDeadlineSeconds: undefined,
      nodeDefaults: false,
    });
    expect(parseBenchArgs(['--node-defaults']).nodeDefaults).toBe(true);
    expect(parseBenchArgs(['--large-deadline', '0']).largeDeadlineSeconds).toBe(0);
    expect(parseBenchArgs([])).toMatchObject({ scenarios: [], quick: false, out: 'BENCHMARKS.md' });
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown argument/);
    expect(() => parseBenchArgs(['--out'])).toThrow(/needs a value/);
  });
});

describe('syncJobFor', () => {
  const all = allSessions({ quick: false });
  const endpoint = { baseUrl: 'http://127.0.0.1:1/rest/api/1.0', serverUrl: 'http://127.0.0.1:1', credentials: [1, 2, 3, 4].map((i) => ({ kind: 'bearer', token: `t${i}` }) as never) };
  const job = (id: string) => syncJobFor(all.find((s) => s.id === id) as Session, endpoint, '/tmp/state.json', '/tmp/out');

  it('leaves `rateLimit` out for the Data Center pacing runs, as a user who configured nothing', () => {
    for (const id of ['datacenter-pacing-off', 'datacenter-pacing-default', 'datacenter-pacing-tight']) expect('rateLimit' in job(id).config, id).toBe(false);
  });

  it('tells the credential-scaling runs their bucket, and turns pacing off where no limit binds', () => {
    expect(job('datacenter-tokens-4').config.rateLimit).toEqual({ enabled: true, capacity: 20, refillPerSecond: 20 });
    expect(job('datacenter-tokens-4').credentials).toHaveLength(4);
    expect(job('datacenter-medium').config.rateLimit).toBe(false);
  });
});
