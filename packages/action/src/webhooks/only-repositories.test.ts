/**
 * The `only-repositories` input of a targeted run (the repositories of a `repository_dispatch` from the
 * receiver): read as an action input, carried into the connector's repository filter, and empty on a
 * scheduled run (no restriction).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readInputs } from '../action/inputs.js';
import { loadConfig } from '../config/load.js';
import { knownStreams } from '../run/connectors.js';
import { prepareSync } from '../run/sync-job.js';

const ENV = 'INPUT_ONLY-REPOSITORIES';
afterEach(() => {
  delete process.env[ENV];
});

async function config(values: Record<string, string>) {
  return loadConfig({ values: { source: 'cloud', workspace: 'acme', 'access-token': 'token-for-a-test', ...values }, optionName: (name) => `input "${name}"`, env: {}, knownStreams: knownStreams() });
}

describe('only-repositories', () => {
  it('is an action input (action.yml) read like every other', () => {
    process.env[ENV] = 'acme/api,acme/web';
    expect(readInputs()['only-repositories']).toBe('acme/api,acme/web');
  });

  it('restricts the connector to the exact names (comma or newline separated)', async () => {
    const prepared = prepareSync(await config({ 'only-repositories': 'acme/api,\nacme/web', repositories: 'acme/*' }));
    expect((prepared.connectorConfig as { repositories: unknown }).repositories).toEqual({ include: ['acme/*'], exclude: [], only: ['acme/api', 'acme/web'] });
  });

  it('is no restriction when empty, as on a scheduled run where the dispatch payload is absent', async () => {
    const prepared = prepareSync(await config({ 'only-repositories': '' }));
    expect((prepared.connectorConfig as { repositories: unknown }).repositories).toEqual({ include: [], exclude: [] });
  });
});
