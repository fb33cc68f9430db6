/**
 * Control calls for deployments (beside ./control.ts): start pipelines that deploy (by a custom pipeline name,
 * by step names, or to an environment of the Deployments API), redeploy (roll back to) an older release,
 * finish deployments, and add bot accounts. Deployment states follow their pipelines, so finishing a step
 * deployment finishes its pipeline.
 */
import type { CloudControl, PipelineResult } from './control.js';
import { addBot } from './model/bots.js';
import { deploymentRuns, redeployUuid, type DeploymentStatus, type StepPlan } from './model/deployments.js';
import { pipelineUuid } from './model/derive.js';
import type { RepositoryState } from './model/store.js';
import type { CloudState } from './state.js';

export interface DeploymentControl {
  /**
   * Starts a pipeline (default branch unless `branch`) that runs `custom` (selector `custom`) or the named
   * `steps` (default `Build`, `Deploy to production`); returns its `{uuid}`. Finish it with `finishPipeline`.
   */
  startDeployPipeline(repo: string, options?: { custom?: string; steps?: readonly string[]; branch?: string }): string;
  /**
   * A deployment through the Deployments API (the repository must have environments): a new default-branch
   * pipeline deploying to `environment` (name, default `Production`), or, with `release` (a pipeline `{uuid}`),
   * a redeploy of that older release (a rollback). In progress unless `status` is given; a redeploy with
   * `finishAfterMs` finishes by itself (SUCCESSFUL) once the simulator clock has advanced that far. Returns its `{uuid}`.
   */
  addDeployment(repo: string, options?: { environment?: string; release?: string; status?: DeploymentStatus; finishAfterMs?: number }): string;
  /** Finishes an in-progress deployment (its pipeline, for step deployments). */
  finishDeployment(repo: string, uuid: string, status?: DeploymentStatus): void;
  /** Adds a bot account (`app_user`); returns its `{uuid}` (use it as the `user` of comments and approvals). */
  addBot(options?: { displayName?: string }): string;
  /** The order `/deployments` lists in (undocumented on the real API): newest first (default) or oldest first. */
  setDeploymentOrder(options: { newestFirst: boolean }): void;
}

const PIPELINE_RESULT: Readonly<Record<DeploymentStatus, PipelineResult>> = { SUCCESSFUL: 'SUCCESSFUL', FAILED: 'FAILED', STOPPED: 'STOPPED' };

export function createDeploymentControl(state: CloudState, control: CloudControl): DeploymentControl {
  const data = state.data;
  const repoOf = (key: string): RepositoryState => {
    const repo = state.findRepository(key);
    if (!repo) throw new Error(`no repository '${key}' in workspace ${data.workspace.slug}`);
    return repo;
  };
  const startPlanned = (repo: RepositoryState, plan: { custom?: string; steps: StepPlan[] }, branch?: string): string => {
    const uuid = control.startPipeline(repo.slug, { state: 'IN_PROGRESS', trigger: plan.custom !== undefined ? 'MANUAL' : 'PUSH', ...(branch !== undefined ? { branch } : {}) });
    data.deployments.of(repo).plans.set(repo.pipelines.length - 1, plan);
    state.touch(repo);
    return uuid;
  };
  return {
    startDeployPipeline(repoKey, options = {}) {
      const repo = repoOf(repoKey);
      const steps = (options.steps ?? (options.custom !== undefined ? ['Build', 'Upload artifact'] : ['Build', 'Deploy to production'])).map((name) => ({ name }));
      return startPlanned(repo, { ...(options.custom !== undefined ? { custom: options.custom } : {}), steps }, options.branch);
    },

    addDeployment(repoKey, options = {}) {
      const repo = repoOf(repoKey);
      const entry = data.deployments.of(repo);
      const wanted = (options.environment ?? 'Production').toLowerCase();
      const environment = entry.environments.findIndex((candidate) => candidate.name.toLowerCase() === wanted);
      if (environment < 0) throw new Error(`no environment '${options.environment ?? 'Production'}' in ${repo.slug}`);
      if (options.release !== undefined) {
        const release = options.release.startsWith('{') ? options.release : `{${options.release}}`;
        let pipeline = -1;
        for (let i = 0; i < repo.pipelines.length; i++) if (pipelineUuid(data, repo, i) === release) pipeline = i;
        if (pipeline < 0) throw new Error(`no pipeline ${options.release} in ${repo.slug}`);
        const started = state.clock.now();
        // Generated redeploys use small numbers; these never meet them.
        const uuid = redeployUuid(data, repo, 1000 + entry.redeploys.length);
        const plannedEnd = options.finishAfterMs !== undefined && options.status === undefined ? { at: started + options.finishAfterMs, status: 'SUCCESSFUL' as const } : undefined;
        entry.redeploys.push({ uuid, pipeline, environment, started, completed: options.status ? started + 1000 : 0, status: options.status, plannedEnd });
        state.touch(repo);
        return uuid;
      }
      const name = entry.environments[environment]?.name ?? 'Production';
      startPlanned(repo, { steps: [{ name: 'Build' }, { name: `Deploy to ${name}`, environment }] });
      const index = repo.pipelines.length - 1;
      const run = deploymentRuns(data, data.deployments, repo).find((candidate) => candidate.pipeline === index);
      if (run === undefined) throw new Error('the new deployment did not start');
      if (options.status !== undefined) control.finishPipeline(repo.slug, pipelineUuid(data, repo, index), PIPELINE_RESULT[options.status]);
      return run.uuid;
    },

    finishDeployment(repoKey, uuid, status = 'SUCCESSFUL') {
      const repo = repoOf(repoKey);
      const wanted = uuid.startsWith('{') ? uuid : `{${uuid}}`;
      const redeploy = data.deployments.of(repo).redeploys.find((candidate) => candidate.uuid === wanted);
      if (redeploy !== undefined) {
        redeploy.status = status;
        redeploy.completed = Math.max(state.clock.now(), redeploy.started + 1);
        state.touch(repo);
        return;
      }
      const run = deploymentRuns(data, data.deployments, repo).find((candidate) => candidate.uuid === wanted);
      if (run === undefined) throw new Error(`no deployment ${uuid} in ${repo.slug}`);
      control.finishPipeline(repo.slug, pipelineUuid(data, repo, run.pipeline), PIPELINE_RESULT[status]);
    },

    setDeploymentOrder(options) {
      data.deployments.newestFirst = options.newestFirst;
    },

    addBot(options = {}) {
      const index = addBot(data, options.displayName ?? `Bot ${data.members.length}`);
      return (data.members[index] as { uuid: string }).uuid;
    },
  };
}
