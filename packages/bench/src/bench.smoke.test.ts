/**
 * A small run of the benchmark (tiny sizes, no latency) so the harness cannot rot: it must run end to end —
 * simulator process, sync processes, census, floors, baseline, report — and produce the tables. Its figures
 * are not checked (no timing assertions: speed is what `pnpm bench` measures).
 */
import * as core from '@bbsync/core';
import { describe, expect, it } from 'vitest';
import { runBenchmarks } from './bench.js';

/** The engine and the state store are exported by @bbsync/core once they land (built in parallel). */
const coreReady = 'runSync' in core && 'FileStateStore' in core;

describe('pnpm bench --quick', () => {
  it.skipIf(!coreReady)('runs the scenarios and reports every figure beside its floor and the baseline', async () => {
    const lines: string[] = [];
    const run = await runBenchmarks({
      quick: true,
      scenarios: ['cloud-medium', 'datacenter-medium', 'datacenter-budgets', 'datacenter-tokens', 'datacenter-pacing-default'],
      command: 'pnpm bench -- --quick',
      log: (line) => lines.push(line),
      startup: false,
    });

    expect(run.failures).toEqual([]);
    expect(run.results.map((r) => r.step.id)).toEqual([
      'cloud-medium-full',
      'cloud-medium-unchanged',
      'cloud-medium-changed',
      'datacenter-medium-full',
      'datacenter-medium-unchanged',
      'datacenter-medium-changed',
      'datacenter-budgets-full',
      'datacenter-tokens-1-full',
      'datacenter-tokens-2-full',
      'datacenter-tokens-4-full',
      'datacenter-pacing-default-full',
    ]);
    for (const result of run.results) {
      expect(result.requestFloor, result.step.id).toBeGreaterThan(0);
      expect(result.outcome.requests, result.step.id).toBeGreaterThan(0);
      expect(result.outcome.maxRssBytes, result.step.id).toBeGreaterThan(0);
      if (result.session.baseline) expect(result.baseline?.requests, result.step.id).toBeGreaterThan(0);
    }
    expect(run.results.find((r) => r.step.id === 'datacenter-budgets-full')?.rateFloorMs).toBeDefined();
    // Each multi-credential step is compared with the 1-credential one; the pacing run has the bucket's floor.
    expect(run.results.filter((r) => r.scaling !== undefined).map((r) => [r.step.id, r.scaling?.referenceStep])).toEqual([
      ['datacenter-tokens-2-full', 'datacenter-tokens-1-full'],
      ['datacenter-tokens-4-full', 'datacenter-tokens-1-full'],
    ]);
    expect(run.results.find((r) => r.step.id === 'datacenter-pacing-default-full')?.rateFloorMs).toBeDefined();
    // The syncs run with the shipped entry points' V8 flags, and the enrichments have their own line.
    expect(run.results.every((r) => (r.outcome.v8Flags ?? []).includes('--optimize-for-size'))).toBe(true);
    expect(run.report).toMatch(/\| commit details \(enrichment\) \| [\d,]+ requests \| [\d,]+ PR hashes/);
    expect(run.report).toContain('| requests vs pessimistic floor |');

    expect(run.report).toContain('## Summary');
    expect(run.report).toContain('| figure | measured | floor / reference | ratio | target | result |');
    expect(run.report).toMatch(/\| requests \| [\d,]+ \| [\d,]+ \(floor\) \|/);
    expect(run.report).toMatch(/\| requests vs baseline \| [\d,]+ \| [\d,]+ \(baseline/);
    expect(run.report).toContain('### Bitbucket Data Center');
    expect(lines.join('\n')).toContain('### Full sync (`cloud-medium-full`)');
  }, 240_000);
});
