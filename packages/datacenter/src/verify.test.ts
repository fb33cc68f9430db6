import { parseCredentials } from '@bbsync/core';
import { startSimulator } from '@bbsync/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataCenterClient } from './client.js';
import { parseDataCenterConfig, type DataCenterConfig } from './config.js';
import { E2E_SIZE as TEST_SIZE } from './test-support/engine-harness.js';
import { verifyDataCenter } from './verify.js';

let sim: Awaited<ReturnType<typeof startSimulator>>;
let config: DataCenterConfig;
beforeAll(async () => {
  sim = await startSimulator({ seed: 7, size: TEST_SIZE });
  config = parseDataCenterConfig({ baseUrl: sim.datacenter.baseUrl, rateLimit: false });
});
afterAll(() => sim.close());

async function verify(names: string[], streams: string[] = []) {
  const credentials = parseCredentials(names.map((name) => ({ ...sim.datacenter.credentials[name]!.config, label: name })));
  const client = createDataCenterClient(config, credentials);
  try {
    return await verifyDataCenter(config, client, credentials, streams);
  } finally {
    await client.close();
  }
}

describe('verifyDataCenter', () => {
  it('passes for an admin, counting repositories', async () => {
    const report = await verify(['admin']);
    expect(report.ok).toBe(true);
    expect(report.credentials[0]?.repositories).toBe(sim.datacenter.groundTruth().repositories.length);
    expect(report.checks.every((check) => check.result === 'ok')).toBe(true);
  });

  it('checks deployments on the tags listing and the timeline on the pull request listing (REPO_READ)', async () => {
    const report = await verify(['admin'], ['deployments', 'pull_request_events']);
    expect(report.ok).toBe(true);
    expect(report.checks.find((check) => check.stream === 'deployments')).toMatchObject({ result: 'ok', requires: 'REPO_READ', endpoint: expect.stringMatching(/\/tags$/) });
    expect(report.checks.find((check) => check.stream === 'pull_request_events')).toMatchObject({ result: 'ok', requires: 'REPO_READ', endpoint: expect.stringMatching(/\/pull-requests$/) });
    expect(report.credentials[0]?.streams).toEqual(expect.arrayContaining(['deployments', 'pull_request_events']));
  });

  it('reports invalid credentials on the identity check, without the secret', async () => {
    const report = await verify(['wrongPassword']);
    expect(report.ok).toBe(false);
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]).toMatchObject({ result: 'invalid_credentials', status: 401, endpoint: 'GET /projects' });
    expect(JSON.stringify(report)).not.toContain(sim.datacenter.credentials.wrongPassword!.config.password);
  });

  it('degrades users for a project token and counts what it can serve', async () => {
    const report = await verify(['projectToken', 'admin'], ['repositories', 'users', 'pull_requests']);
    expect(report.ok).toBe(true);
    const token = report.credentials[0];
    expect(token?.streams).toEqual(expect.arrayContaining(['repositories', 'users', 'pull_requests']));
    expect(token?.repositories).toBeLessThan(sim.datacenter.groundTruth().repositories.length);
    expect(token?.warnings.join(' ')).toMatch(/cannot list users/);
    expect(report.checks.find((check) => check.credentialLabel === 'projectToken' && check.stream === 'users')?.result).toBe('invalid_permissions');
  });

  it('reports no_resources when a credential sees no repository', async () => {
    const report = await verify(['noRepoReadToken'], ['repositories']);
    expect(report.ok).toBe(false);
    expect(report.checks.find((check) => check.stream === 'repositories')?.result).toBe('no_resources');
  });
});
