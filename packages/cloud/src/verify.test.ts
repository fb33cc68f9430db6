import { parseCredentials } from '@bbsync/core';
import { startSimulator, type Simulator } from '@bbsync/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudConnector } from './connector.js';
import { CLOUD_STREAMS } from './streams/names.js';
import { APP_PASSWORD_WARNING } from './verify.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny' });
});
afterAll(async () => {
  await sim.close();
});

async function verifyWith(...names: string[]) {
  return verifyIn(sim.cloud.workspace, ...names);
}

async function verifyIn(workspace: string, ...names: string[]) {
  const config = cloudConnector.parseConfig({ workspace, baseUrl: sim.cloud.baseUrl });
  const credentials = parseCredentials(names.map((name) => ({ ...sim.cloud.credentials[name]?.config, label: name })));
  const client = cloudConnector.createClient(config, credentials);
  try {
    return await cloudConnector.verify(config, client, credentials, CLOUD_STREAMS);
  } finally {
    await (client as { close?: () => Promise<void> }).close?.();
  }
}

describe('verify', () => {
  it('a workspace access token serves every stream and sees every repository', async () => {
    const report = await verifyWith('workspaceToken');
    expect(report.ok).toBe(true);
    expect(report.credentials[0]?.streams).toEqual([...CLOUD_STREAMS]);
    expect(report.credentials[0]?.repositories).toBe(sim.cloud.control.repositories().length);
    expect(report.checks.every((check) => check.result === 'ok')).toBe(true);
  });

  it('a revoked token is invalid_credentials, and nothing else is tried', async () => {
    const report = await verifyWith('revoked');
    expect(report.ok).toBe(false);
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]).toMatchObject({ result: 'invalid_credentials', status: 401 });
    expect(report.checks[0]?.stream).toBeUndefined();
  });

  it('a token without the pipeline scope: invalid_permissions naming the scope', async () => {
    const report = await verifyWith('noPipelines');
    const pipelines = report.checks.find((check) => check.stream === 'pipelines');
    expect(pipelines).toMatchObject({ result: 'invalid_permissions', status: 403, requires: 'pipeline' });
    expect(pipelines?.hint).toContain('"pipeline" scope');
    expect(report.credentials[0]?.streams).not.toContain('pipelines');
    expect(report.ok).toBe(false);
    // Environments and deployments need it too (spec security: `pipeline`, granular read:pipeline:bitbucket).
    for (const stream of ['environments', 'deployments']) {
      const check = report.checks.find((candidate) => candidate.stream === stream);
      expect(check, stream).toMatchObject({ result: 'invalid_permissions', status: 403, requires: 'pipeline', endpoint: expect.stringContaining('/environments') });
      expect(check?.hint).toContain(`"${stream}" stream needs the "pipeline" scope`);
    }
    expect(report.credentials[0]?.streams).toContain('pull_request_events');
  });

  it('a repository access token sees one repository; members need the account scope', async () => {
    const report = await verifyWith('repoToken');
    expect(report.credentials[0]?.repositories).toBe(1);
    expect(report.checks.find((check) => check.stream === 'workspace_members')?.result).not.toBe('ok');
    expect(report.credentials[0]?.streams).toContain('pull_requests');
  });

  it('an app password gets the removal warning and a 401', async () => {
    const report = await verifyWith('appPassword');
    expect(report.credentials[0]?.warnings).toContain(APP_PASSWORD_WARNING);
    expect(report.checks[0]).toMatchObject({ result: 'invalid_credentials' });
    expect(report.checks[0]?.hint).toContain('2026-07-28');
  });

  it('two credentials: the report is ok when together they serve every stream', async () => {
    const report = await verifyWith('noPipelines', 'workspaceToken');
    expect(report.ok).toBe(true);
    expect(report.credentials).toHaveLength(2);
    expect(JSON.stringify(report)).not.toContain(sim.cloud.credentials.workspaceToken?.config.accessToken as string);
  });

  it('no repository left by the filters: no_resources', async () => {
    const config = cloudConnector.parseConfig({ workspace: sim.cloud.workspace, baseUrl: sim.cloud.baseUrl, repositories: { include: ['nothing/*'] } });
    const credentials = parseCredentials([sim.cloud.credentials.workspaceToken?.config ?? {}]);
    const client = cloudConnector.createClient(config, credentials);
    const report = await cloudConnector.verify(config, client, credentials, ['pull_requests']);
    expect(report.checks.find((check) => check.stream === 'pull_requests')?.result).toBe('no_resources');
    expect(report.ok).toBe(false);
  });

  it('a wrong workspace: says so and names the workspaces the credential can see', async () => {
    const report = await verifyIn('acme-typo', 'apiToken');
    expect(report.ok).toBe(false);
    const check = report.checks.find((c) => c.result === 'no_resources');
    expect(check?.hint).toBe(`Workspace "acme-typo" does not exist or this credential cannot see it. Workspaces it can see: ${sim.cloud.workspace}.`);
  });

  it('a wrong workspace with a token that cannot list memberships: says so without guessing', async () => {
    const report = await verifyIn('acme-typo', 'repoToken');
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.result === 'no_resources')?.hint).toBe('Workspace "acme-typo" does not exist or this credential cannot see it.');
  });
});
