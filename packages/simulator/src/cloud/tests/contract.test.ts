/**
 * Contract tests: every endpoint's bodies (and error bodies) validate against the Cloud spec's schemas with
 * the relaxed validation of BITBUCKET.md (extra properties and nulls tolerated; types and enums checked).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../start.js';
import { CloudClient } from '../../test-support/cloud-client.js';
import { cloudSchemaErrors } from '../../test-support/cloud-schemas.js';

let sim: Simulator;
let client: CloudClient;
let slug: string;
let main: string;

beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 13, rateLimits: { cloudPerHour: 1_000_000 } });
  client = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['workspaceToken']);
  const repo = sim.cloud.groundTruth().repositories[0] as { slug: string; mainbranch: { name: string } };
  slug = repo.slug;
  main = repo.mainbranch.name;
  // Some activity of every kind, and a hook.
  const id = sim.cloud.control.openPullRequest(slug);
  sim.cloud.control.commentOnPullRequest(slug, id, { inline: { path: 'a.ts', to: 1 } });
  sim.cloud.control.approvePullRequest(slug, id);
  sim.cloud.control.requestChanges(slug, id, 2);
  sim.cloud.control.registerWebhook({ url: 'http://127.0.0.1:9/hook', events: ['pullrequest:created'], secret: 's' });
});
afterAll(() => sim.close());

const ALL = 'state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED';

async function expectValid(schema: string, path: string): Promise<any> {
  const response = await client.get(path);
  expect(response.status, `${path}: ${response.text.slice(0, 200)}`).toBeLessThan(300);
  expect(cloudSchemaErrors(schema, response.json), path).toEqual([]);
  return response.json;
}

describe('response bodies match the Cloud spec', () => {
  it('repositories, branches and users', async () => {
    await expectValid('paginated_repositories', '/repositories/acme?pagelen=100');
    await expectValid('repository', `/repositories/acme/${slug}`);
    await expectValid('branch', `/repositories/acme/${slug}/refs/branches/${main}`);
    await expectValid('account', '/user');
    client.authorization = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['apiToken']).authorization;
    await expectValid('user', '/user');
    client.authorization = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['workspaceToken']).authorization;
  });

  it('pull requests, comments, activity and pull request commits', async () => {
    const list = await expectValid('paginated_pullrequests', `/repositories/acme/${slug}/pullrequests?${ALL}&pagelen=50`);
    const states = new Set(list.values.map((p: { state: string }) => p.state));
    expect(states).toEqual(new Set(['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED']));
    await expectValid('paginated_pullrequests', `/repositories/acme/${slug}/pullrequests?${ALL}&pagelen=50&fields=%2Bvalues.reviewers,%2Bvalues.participants`);
    for (const pr of list.values) {
      await expectValid('pullrequest', `/repositories/acme/${slug}/pullrequests/${pr.id}`);
      await expectValid('paginated_pullrequest_comments', `/repositories/acme/${slug}/pullrequests/${pr.id}/comments?pagelen=100`);
      const activity = (await client.all(`/repositories/acme/${slug}/pullrequests/${pr.id}/activity?pagelen=50`)).values;
      for (const item of activity) {
        expect(cloudSchemaErrors('pullrequest', item.pull_request)).toEqual([]);
        if (item.comment) expect(cloudSchemaErrors('pullrequest_comment', item.comment)).toEqual([]);
        if (item.approval) expect(cloudSchemaErrors('account', item.approval.user)).toEqual([]);
        if (item.update) expect(['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED']).toContain(item.update.state);
      }
      const commits = await client.get(`/repositories/acme/${slug}/pullrequests/${pr.id}/commits`);
      if (commits.status === 200) expect(cloudSchemaErrors('paginated_changeset', commits.json)).toEqual([]);
      else expect(cloudSchemaErrors('error', commits.json)).toEqual([]);
    }
    const feed = await client.get(`/repositories/acme/${slug}/pullrequests/activity?pagelen=50`);
    for (const item of feed.json.values) {
      expect(cloudSchemaErrors('pullrequest', item.pull_request)).toEqual([]);
      if (item.comment) expect(cloudSchemaErrors('pullrequest_comment', item.comment)).toEqual([]);
      if (item.approval) expect(cloudSchemaErrors('account', item.approval.user)).toEqual([]);
      if (item.update) expect(cloudSchemaErrors('account', item.update.author)).toEqual([]);
    }
  });

  it('commits and pipelines', async () => {
    const commits = await expectValid('paginated_changeset', `/repositories/acme/${slug}/commits/${main}?pagelen=100`);
    await expectValid('commit', `/repositories/acme/${slug}/commit/${commits.values[0].hash}`);
    const pipelines = await expectValid('paginated_pipelines', `/repositories/acme/${slug}/pipelines?pagelen=100`);
    const kinds = new Set(pipelines.values.map((p: { state: { type: string } }) => p.state.type));
    expect(kinds).toEqual(new Set(['pipeline_state_pending', 'pipeline_state_in_progress', 'pipeline_state_completed']));
    await expectValid('pipeline', `/repositories/acme/${slug}/pipelines/${encodeURIComponent(pipelines.values[0].uuid)}`);
  });

  it('workspace discovery, diffstats, fork pull requests and edited comments', async () => {
    await expectValid('workspace', '/workspaces/acme');
    client.authorization = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['apiToken']).authorization;
    await expectValid('paginated_workspace_access', '/user/workspaces');
    client.authorization = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['workspaceToken']).authorization;
    const fork = sim.cloud.control.openPullRequest(slug, { commits: 2, fromFork: true });
    const comment = sim.cloud.control.commentOnPullRequest(slug, fork, { text: 'to edit' });
    sim.cloud.control.editComment(slug, fork, comment, { text: 'edited' });
    await expectValid('pullrequest', `/repositories/acme/${slug}/pullrequests/${fork}`);
    await expectValid('paginated_pullrequest_comments', `/repositories/acme/${slug}/pullrequests/${fork}/comments`);
    await expectValid('paginated_diffstats', `/repositories/acme/${slug}/pullrequests/${fork}/diffstat`);
    await expectValid('paginated_changeset', `/repositories/acme/${slug}/pullrequests/${fork}/commits`);
    const gone = await client.get('/repositories');
    expect(gone.status).toBe(410);
    expect(cloudSchemaErrors('error', gone.json)).toEqual([]);
  });

  it('members and hooks', async () => {
    await expectValid('paginated_workspace_memberships', '/workspaces/acme/members');
    await expectValid('paginated_webhook_subscriptions', '/workspaces/acme/hooks');
  });

  it('error bodies', async () => {
    const errors = [
      await client.get('/repositories/acme/missing'),
      await client.get(`/repositories/acme/${slug}/pullrequests?pagelen=51`),
      await client.get(`/repositories/acme/${slug}/pullrequests/1/commits?page=1`),
      await new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['revoked']).get('/repositories/acme'),
      await new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['noPipelines']).get(`/repositories/acme/${slug}/pipelines`),
      await new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['appPassword']).get('/repositories/acme'),
    ];
    for (const response of errors) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(cloudSchemaErrors('error', response.json)).toEqual([]);
      expect(response.json.type).toBe('error');
    }
  });

  it('catches a wrong shape (the validator is not vacuous)', () => {
    expect(cloudSchemaErrors('pullrequest', { type: 'pullrequest', id: 'x', state: 'WEIRD' }).length).toBeGreaterThan(0);
    expect(cloudSchemaErrors('error', { type: 'error', error: {} }).length).toBeGreaterThan(0);
  });
});
