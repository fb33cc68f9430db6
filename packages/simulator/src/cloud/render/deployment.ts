/**
 * Environments, deployments and pipeline steps in the shapes the real API sends: the spec's
 * `deployment_environment`, `deployment` (state, release, deployable) and `pipeline_step`, with the fields
 * DevLake's collector reads (`environment_type`, `step.uuid`, `release.pipeline.uuid`, `release.commit.hash`).
 * State times use the spec's names (`start_date`, `completion_date`); see the README for what is unverified.
 */
import { deploymentRuns, stepRuns, type DeploymentRun, type Environment, type StepRun } from '../model/deployments.js';
import { commitHash, pipelineUuid } from '../model/derive.js';
import type { RepositoryState } from '../model/store.js';
import { renderUser } from './accounts.js';
import { WEB, isoMillis, link, type RenderContext } from './context.js';
import { repoPath } from './repository.js';

export function renderEnvironment(ctx: RenderContext, repo: RepositoryState, environment: Environment): Record<string, unknown> {
  const slug = environment.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    type: 'deployment_environment',
    uuid: environment.uuid,
    name: environment.name,
    slug,
    rank: environment.rank,
    environment_type: { type: 'deployment_environment_type', name: environment.type, rank: environment.rank },
    category: { name: environment.type },
    hidden: false,
    deployment_gate_enabled: false,
    environment_lock_enabled: false,
    lock: { type: 'deployment_environment_lock_open', name: 'OPEN' },
    restrictions: { type: 'deployment_restrictions_configuration', admin_only: false },
    links: { self: link(`${repoPath(ctx, repo)}/environments/${encodeURIComponent(environment.uuid)}`) },
  };
}

function renderRelease(ctx: RenderContext, repo: RepositoryState, pipeline: number): Record<string, unknown> {
  const uuid = pipelineUuid(ctx.data, repo, pipeline);
  const hash = commitHash(ctx.data, repo, repo.pipelines.commit[pipeline] as number);
  return {
    type: 'deployment_release',
    uuid,
    pipeline: { type: 'pipeline', uuid },
    key: `${pipeline + 1}`,
    name: `#${pipeline + 1}`,
    url: `${WEB}/${ctx.data.workspace.slug}/${repo.slug}/pipelines/results/${pipeline + 1}`,
    commit: { type: 'commit', hash, links: { self: link(`${repoPath(ctx, repo)}/commit/${hash}`) } },
    created_on: isoMillis(repo.pipelines.created[pipeline] as number),
  };
}

export function renderDeployment(ctx: RenderContext, repo: RepositoryState, run: DeploymentRun): Record<string, unknown> {
  const environment = ctx.data.deployments.of(repo).environments[run.environment] as Environment;
  const deployer = ctx.data.members[repo.pipelines.creator[run.pipeline] as number];
  const url = `${WEB}/${ctx.data.workspace.slug}/${repo.slug}/pipelines/results/${run.pipeline + 1}`;
  const state: Record<string, unknown> =
    run.status === undefined
      ? { type: 'deployment_state_in_progress', name: 'IN_PROGRESS', url, start_date: isoMillis(run.started) }
      : {
          type: 'deployment_state_completed',
          name: 'COMPLETED',
          url,
          status: { type: `deployment_state_completed_status_${run.status.toLowerCase()}`, name: run.status },
          start_date: isoMillis(run.started),
          completion_date: isoMillis(run.completed ?? run.started),
        };
  if (deployer) state['deployer'] = renderUser(ctx, deployer);
  const release = renderRelease(ctx, repo, run.pipeline);
  return {
    type: 'deployment',
    uuid: run.uuid,
    key: run.uuid.slice(1, 9),
    version: 1,
    environment: { type: 'deployment_environment', uuid: environment.uuid },
    step: run.step === undefined ? null : { type: 'pipeline_step', uuid: run.step },
    release,
    deployable: release,
    state,
    last_update_time: isoMillis(run.completed ?? run.started),
  };
}

/** Deployments newest first (by start). */
export function deploymentsNewestFirst(ctx: RenderContext, repo: RepositoryState): DeploymentRun[] {
  return deploymentRuns(ctx.data, ctx.data.deployments, repo).reverse();
}

/** Deployments in the order `/deployments` lists them (newest first unless `setDeploymentOrder` said otherwise). */
export function deploymentsAsListed(ctx: RenderContext, repo: RepositoryState): DeploymentRun[] {
  const runs = deploymentRuns(ctx.data, ctx.data.deployments, repo);
  return ctx.data.deployments.newestFirst ? runs.reverse() : runs;
}

function renderStepState(step: StepRun): Record<string, unknown> {
  if (step.state === 'PENDING') return { type: 'pipeline_step_state_pending', name: 'PENDING' };
  if (step.state === 'IN_PROGRESS') return { type: 'pipeline_step_state_in_progress', name: 'IN_PROGRESS' };
  const name = step.result ?? 'SUCCESSFUL';
  return { type: 'pipeline_step_state_completed', name: 'COMPLETED', result: { type: `pipeline_step_state_completed_${name.toLowerCase()}`, name } };
}

export function renderStep(ctx: RenderContext, repo: RepositoryState, pipeline: number, step: StepRun): Record<string, unknown> {
  const uuid = pipelineUuid(ctx.data, repo, pipeline);
  const environment = step.environment === undefined ? undefined : ctx.data.deployments.of(repo).environments[step.environment];
  const body: Record<string, unknown> = {
    type: 'pipeline_step',
    uuid: step.uuid,
    name: step.name,
    pipeline: { type: 'pipeline', uuid },
    state: renderStepState(step),
    image: { name: 'atlassian/default-image:4' },
    setup_commands: [],
    script_commands: [{ name: 'script', command: step.name.toLowerCase().startsWith('deploy') ? './deploy.sh' : 'make' }],
    run_number: 1,
    max_time: 120,
    trigger: { type: 'pipeline_step_trigger_automatic' },
    duration_in_seconds: step.started !== undefined && step.completed !== undefined ? Math.floor((step.completed - step.started) / 1000) : 0,
  };
  if (step.started !== undefined) body['started_on'] = isoMillis(step.started);
  if (step.completed !== undefined) body['completed_on'] = isoMillis(step.completed);
  if (environment !== undefined) body['deployment_environment'] = { type: 'deployment_environment', uuid: environment.uuid };
  return body;
}

export function renderSteps(ctx: RenderContext, repo: RepositoryState, pipeline: number): Record<string, unknown>[] {
  return stepRuns(ctx.data, ctx.data.deployments, repo, pipeline).map((step) => renderStep(ctx, repo, pipeline, step));
}
