import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_OPTIONS, SETTING_OPTIONS } from '../config/options.js';
import { OTHER_INPUTS } from './inputs.js';

const root = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

describe('action.yml', () => {
  it('declares exactly the inputs the action reads, runs node24 with an always() post step', async () => {
    const action = parse(await readFile(root('action.yml'), 'utf8')) as {
      inputs: Record<string, { description: string; required?: boolean }>;
      outputs: Record<string, unknown>;
      runs: Record<string, string>;
    };
    const read = [...SETTING_OPTIONS.map((o) => o.name).filter((n) => n !== 'output-dir' && n !== 'state-dir'), ...CREDENTIAL_OPTIONS, ...OTHER_INPUTS];
    expect(Object.keys(action.inputs).sort()).toEqual([...read].sort());
    for (const input of Object.values(action.inputs)) expect(input.description.length).toBeGreaterThan(10);
    expect(Object.keys(action.outputs).sort()).toEqual(['artifact-id', 'artifact-name', 'change-failure-rate-28d', 'complete', 'cursor-key', 'cycle-time-median-hours-7d', 'deployments-per-week-28d', 'metrics', 'prs-merged-7d', 'records', 'requests', 'run-dir', 'status']);
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/main/index.js', post: 'dist/post/index.js', 'post-if': 'always()' });
  });

  it('every input and output is documented in the README', async () => {
    const action = parse(await readFile(root('action.yml'), 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
    const readme = await readFile(root('packages/action/README.md'), 'utf8');
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) expect(readme).toContain(`\`${name}\``);
  });
});

describe('examples', () => {
  it('the example workflow parses and uses a shard matrix, a concurrency group and a merge job', async () => {
    const workflow = parse(await readFile(root('examples/workflows/bbsync.yml'), 'utf8')) as {
      concurrency: { group: string };
      jobs: { sync: { strategy: { matrix: { shard: string[] } } }; merge: { needs: string } };
    };
    expect(workflow.concurrency.group).toContain('bbsync');
    expect(workflow.jobs.sync.strategy.matrix.shard).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(workflow.jobs.merge.needs).toBe('sync');
  });

  it('the example config files are valid', async () => {
    const { readConfigFile } = await import('../config/load.js');
    const { validateConfig } = await import('../config/validate.js');
    const { knownStreams } = await import('../run/connectors.js');
    for (const file of ['examples/bbsync.config.yml', 'examples/bbsync.datacenter.config.json']) {
      const raw = await readConfigFile(root(file), 'config-file');
      const withCredentials = raw.credentials ? raw : { ...raw, credentials: [{ accessToken: 'x' }] };
      expect(() => validateConfig(withCredentials, { knownStreams: knownStreams(), env: { BITBUCKET_DC_TOKEN: 't' } })).not.toThrow();
    }
  });
});
