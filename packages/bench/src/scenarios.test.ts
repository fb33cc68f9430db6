import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './cli-args.js';
import { allSessions, LARGE, MEDIUM, selectSessions } from './scenarios.js';

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
      ]);
    }
  });

  it('makes the large workspace exactly ten times the medium one', () => {
    expect(LARGE.repositories).toBe(10 * (MEDIUM.repositories ?? 0));
    expect(LARGE.pullRequestsPerRepo).toBe(MEDIUM.pullRequestsPerRepo);
    expect(LARGE.commitsPerRepo).toBe(MEDIUM.commitsPerRepo);
    expect(LARGE.pipelinesPerRepo).toBe(MEDIUM.pipelinesPerRepo);
  });

  it('selects sessions by prefix and runs an incremental step after its prerequisites, unreported', () => {
    expect(selectSessions(all, ['datacenter']).map((s) => s.id)).toEqual(['datacenter-medium', 'datacenter-budgets', 'datacenter-rate-limited', 'datacenter-large']);
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
    });
    expect(parseBenchArgs(['--large-deadline', '0']).largeDeadlineSeconds).toBe(0);
    expect(parseBenchArgs([])).toMatchObject({ scenarios: [], quick: false, out: 'BENCHMARKS.md' });
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown argument/);
    expect(() => parseBenchArgs(['--out'])).toThrow(/needs a value/);
  });
});
