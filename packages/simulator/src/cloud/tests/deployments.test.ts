/**
 * Environments, deployments, pipeline steps, custom pipelines and bots: served through the normal routing,
 * auth and scopes, paginated like the other list endpoints, equal to the ground truth, and moved by the control API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../start.js';
import { CloudClient } from '../../test-support/cloud-client.js';
import { cloudSchemaErrors } from '../../test-support/cloud-schemas.js';

let sim: Simulator;
let client: CloudClient;
let repos: { slug: string; uuid: string }[];

beforeAll(async () => {
  sim = await startSimulator({ size: 'small', seed: 7, rateLimits: { cloudPerHour: 1_000_000 } });
  client = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['workspaceToken']);
  repos = sim.cloud.groundTruth().repositories as { slug: string; uuid: string }[];
});
afterAll(() => sim.close());

const ws = () => sim.cloud.workspace;

describe('Cloud deployments', () => {
  it('lists environments and deployments page by page, equal to the truth', async () => {
    const truth = sim.cloud.groundTruth();
    let withDeployments = 0;
    for (const repo of repos) {
      const environments = await client.all(`/repositories/${ws()}/${repo.slug}/environments?pagelen=2`);
      expect(environments.values).toEqual(truth.environments[repo.uuid]);
      const deployments = await client.all(`/repositories/${ws()}/${repo.slug}/deployments?pagelen=5`);
      expect(deployments.values).toEqual(truth.deployments[repo.uuid]);
      if (deployments.values.length > 0) withDeployments++;
    }
    expect(withDeployments).toBeGreaterThan(0);
    const states = Object.values(truth.deployments).flat().map((d) => (d.state as { status?: { name: string }; name: string }).status?.name ?? (d.state as { name: string }).name);
    expect(new Set(states)).toEqual(new Set(['SUCCESSFUL', 'FAILED', 'IN_PROGRESS', 'STOPPED']));
    // Some repositories have no environments at all, some have them but no deployments.
    expect(repos.some((r) => (truth.environments[r.uuid] ?? []).length === 0)).toBe(true);
    expect(repos.some((r) => (truth.environments[r.uuid] ?? []).length > 0 && (truth.deployments[r.uuid] ?? []).length === 0)).toBe(true);
  });

  it('serves steps with their deployment environment, and custom pipelines by selector', async () => {
    const truth = sim.cloud.groundTruth();
    const repo = repos[0] as { slug: string; uuid: string };
    const pipeline = (truth.pipelines[repo.uuid] ?? [])[0] as { uuid: string };
    const steps = await client.all(`/repositories/${ws()}/${repo.slug}/pipelines/${encodeURIComponent(pipeline.uuid)}/steps`);
    expect(steps.values).toEqual(truth.pipelineSteps[repo.uuid]?.[pipeline.uuid]);
    const deploySteps = Object.values(truth.pipelineSteps[repo.uuid] ?? {}).flat().filter((step) => step.deployment_environment !== undefined);
    expect(deploySteps.length).toBeGreaterThan(0);
    const custom = Object.values(truth.pipelines).flat().filter((p) => (p.target as { selector: { type: string } }).selector.type === 'custom');
    expect(custom.length).toBeGreaterThan(0);
  });

  it('bodies match the Cloud spec (paginated_environments, paginated_deployments, deployment, paginated_pipeline_steps, app_user)', async () => {
    const truth = sim.cloud.groundTruth();
    for (const repo of repos.slice(0, 3)) {
      const base = `/repositories/${ws()}/${repo.slug}`;
      expect(cloudSchemaErrors('paginated_environments', (await client.get(`${base}/environments`)).json), repo.slug).toEqual([]);
      const deployments = (await client.get(`${base}/deployments?pagelen=100`)).json;
      expect(cloudSchemaErrors('paginated_deployments', deployments), repo.slug).toEqual([]);
      const first = deployments.values[0] as { uuid: string } | undefined;
      if (first !== undefined) expect(cloudSchemaErrors('deployment', (await client.get(`${base}/deployments/${encodeURIComponent(first.uuid)}`)).json)).toEqual([]);
      for (const pipeline of (truth.pipelines[repo.uuid] ?? []).slice(-6) as { uuid: string }[]) {
        expect(cloudSchemaErrors('paginated_pipeline_steps', (await client.get(`${base}/pipelines/${encodeURIComponent(pipeline.uuid)}/steps`)).json)).toEqual([]);
      }
    }
    expect(cloudSchemaErrors('app_user', truth.bots[0])).toEqual([]);
  });

  it('needs the pipeline scope', async () => {
    const slug = (repos[0] as { slug: string }).slug;
    const denied = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['noPipelines']);
    for (const path of ['environments', 'deployments']) {
      const response = await denied.get(`/repositories/${ws()}/${slug}/${path}`);
      expect(response.status).toBe(403);
      expect(response.headers.get('x-accepted-oauth-scopes')).toBe('pipeline');
    }
    const apiToken = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['apiTokenNoPipelines']);
    expect((await apiToken.get(`/repositories/${ws()}/${slug}/deployments`)).status).toBe(403);
  });

  it('adds deployments, rolls back and finishes them through the control API', async () => {
    const control = sim.cloud.control;
    const repo = repos[0] as { slug: string; uuid: string };
    const uuid = control.addDeployment(repo.slug, { environment: 'Production' });
    const first = await client.get(`/repositories/${ws()}/${repo.slug}/deployments/${encodeURIComponent(uuid)}`);
    expect(first.json.state.name).toBe('IN_PROGRESS');
    control.advance(60_000);
    control.finishDeployment(repo.slug, uuid, 'FAILED');
    const second = await client.get(`/repositories/${ws()}/${repo.slug}/deployments/${encodeURIComponent(uuid)}`);
    expect(second.json.state.status.name).toBe('FAILED');
    const release = second.json.release.pipeline.uuid as string;
    const rollback = control.addDeployment(repo.slug, { environment: 'Production', release, status: 'SUCCESSFUL' });
    const listed = await client.get(`/repositories/${ws()}/${repo.slug}/deployments?pagelen=1`);
    expect(listed.json.values[0].uuid).toBe(rollback);
    expect(listed.json.values[0].release.pipeline.uuid).toBe(release);
  });

  it('in-progress deployments with a planned end finish by themselves when the clock passes it', async () => {
    const control = sim.cloud.control;
    const repo = repos[0] as { slug: string; uuid: string };
    const release = (sim.cloud.groundTruth().deployments[repo.uuid]?.at(-1) as { release: { pipeline: { uuid: string } } }).release.pipeline.uuid;
    const uuid = control.addDeployment(repo.slug, { environment: 'Staging', release, finishAfterMs: 600_000 });
    const path = `/repositories/${ws()}/${repo.slug}/deployments/${encodeURIComponent(uuid)}`;
    expect((await client.get(path)).json.state.name).toBe('IN_PROGRESS');
    control.advance(599_000);
    expect((await client.get(path)).json.state.name).toBe('IN_PROGRESS');
    control.advance(2_000);
    expect((await client.get(path)).json.state.status.name).toBe('SUCCESSFUL');
  });

  it('has bot accounts of type app_user that comment and approve', async () => {
    const truth = sim.cloud.groundTruth();
    const bot = truth.bots[0] as { uuid: string; type: string };
    expect(bot.type).toBe('app_user');
    const activity = Object.values(truth.activity).flat();
    expect(activity.some((item) => (item.comment as { user?: { uuid: string } } | undefined)?.user?.uuid === bot.uuid)).toBe(true);
    expect(activity.some((item) => (item.approval as { user?: { uuid: string } } | undefined)?.user?.uuid === bot.uuid)).toBe(true);
    expect(truth.members.some((m) => (m.user as { uuid: string }).uuid === bot.uuid)).toBe(false);
  });
});
