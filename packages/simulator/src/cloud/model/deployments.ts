/**
 * Deployment environments, deployments, pipeline steps and custom pipelines (Bitbucket Pipelines'
 * deployment model), kept beside the pipeline columns:
 * - every pipeline has steps (`…/pipelines/{uuid}/steps`); a step may deploy to an environment;
 * - a deployment is a started step with an environment, plus redeploys (rollbacks: an older release deployed
 *   again later), each with its own state;
 * - some repositories have environments and use them (the Deployments API has records), some have the
 *   default environments but no deployments, some have none: their pipelines deploy by convention only
 *   (a custom `deploy-prod` pipeline, a `Deploy to production` or `Release` step), which is what
 *   bbsync's inference rules find.
 * A step's state follows its pipeline's columns (a running pipeline's last step is running, a failed one's
 * last step failed), so finishing a pipeline finishes its deployment.
 */
import { Rng } from '../../rng.js';
import { braceUuidOf, mixAll, saltOf } from './hash.js';
import { PIPELINE_RESULTS, type CloudData, type RepositoryState } from './store.js';

export type EnvironmentType = 'Test' | 'Staging' | 'Production';

export interface Environment {
  readonly uuid: string;
  readonly name: string;
  readonly type: EnvironmentType;
  readonly rank: number;
}

export interface StepPlan {
  readonly name: string;
  /** Index into the repository's environments. */
  readonly environment?: number;
}

/** What a pipeline runs: its custom pipeline name (selector `custom`), if any, and its steps. */
export interface PipelinePlan {
  readonly custom?: string;
  readonly steps: readonly StepPlan[];
}

export type DeploymentStatus = 'SUCCESSFUL' | 'FAILED' | 'STOPPED';

/** A deployment that is not a pipeline's first run of its step: a redeploy / rollback of an older release. */
export interface Redeploy {
  readonly uuid: string;
  /** Pipeline index of the release. */
  readonly pipeline: number;
  readonly environment: number;
  /** Milliseconds. */
  readonly started: number;
  /** Milliseconds; 0 while in progress. */
  completed: number;
  /** Undefined while in progress. */
  status: DeploymentStatus | undefined;
  /** For one in progress: when it finishes by itself (simulated ms) and how. */
  readonly plannedEnd?: { readonly at: number; readonly status: DeploymentStatus } | undefined;
}

/** Deployment data of one repository. */
export interface RepositoryDeployments {
  readonly environments: Environment[];
  /** Pipeline plans by pipeline index (absent: a plain `Build` + `Test` pipeline). */
  readonly plans: Map<number, PipelinePlan>;
  readonly redeploys: Redeploy[];
}

/** Deployment data of the workspace, by repository index. */
export class DeploymentWorld {
  readonly #byRepository = new Map<number, RepositoryDeployments>();
  /** Simulated now (ms), for deployments that finish by themselves; the simulator sets its clock here. */
  now: () => number = () => Number.NEGATIVE_INFINITY;
  /** The order `/deployments` lists in (undocumented; newest first unless a test says otherwise). */
  newestFirst = true;

  of(repo: RepositoryState): RepositoryDeployments {
    let entry = this.#byRepository.get(repo.index);
    if (entry === undefined) {
      entry = { environments: [], plans: new Map(), redeploys: [] };
      this.#byRepository.set(repo.index, entry);
    }
    return entry;
  }
}

/** How a repository uses deployments: by its index modulo 3 (so `tiny`, 3 repositories, has each). */
export type DeploymentStyle = 'deployments-api' | 'environments-unused' | 'no-environments';

export function deploymentStyle(repo: RepositoryState): DeploymentStyle {
  return (['deployments-api', 'environments-unused', 'no-environments'] as const)[repo.index % 3] as DeploymentStyle;
}

const PLAIN: PipelinePlan = { steps: [{ name: 'Build' }, { name: 'Test' }] };
const STANDARD_ENVIRONMENTS: readonly [string, EnvironmentType][] = [
  ['Test', 'Test'],
  ['Staging', 'Staging'],
  ['Production', 'Production'],
];

/** The plan of a pipeline (plain unless planned otherwise). */
export function planOf(world: DeploymentWorld, repo: RepositoryState, index: number): PipelinePlan {
  return world.of(repo).plans.get(index) ?? PLAIN;
}

/**
 * Generates environments, pipeline plans and redeploys for every repository from the seed and the pipelines
 * already generated (run after generateCloudData; nothing else is changed).
 */
export function generateDeployments(data: CloudData): void {
  const world = data.deployments;
  for (const repo of data.repositories) {
    const entry = world.of(repo);
    const style = deploymentStyle(repo);
    const rng = new Rng(mixAll(data.seed, repo.key, saltOf('deployments')));
    if (style !== 'no-environments') {
      STANDARD_ENVIRONMENTS.forEach(([name, type], rank) => entry.environments.push({ uuid: environmentUuid(data, repo, rank), name, type, rank }));
    }
    const p = repo.pipelines;
    const onDefault: number[] = [];
    for (let i = 0; i < p.length; i++) if ((p.pr[i] as number) < 0) onDefault.push(i);
    for (let k = 0; k < onDefault.length; k++) {
      const index = onDefault[k] as number;
      const r = rng.next();
      if (style === 'deployments-api') {
        // Every default-branch pipeline deploys to Staging; most go on to Production (the last step takes the
        // pipeline's result, so a failed pipeline is a failed Production deployment).
        if (r < 0.75) entry.plans.set(index, { steps: [{ name: 'Build' }, { name: 'Deploy to Staging', environment: 1 }, { name: 'Deploy to Production', environment: 2 }] });
        else entry.plans.set(index, { steps: [{ name: 'Build' }, { name: 'Deploy to Staging', environment: 1 }] });
      } else if (k % 4 === 0 || r < 0.2) {
        entry.plans.set(index, { custom: 'deploy-prod', steps: [{ name: 'Build' }, { name: 'Upload artifact' }] });
        // Custom pipelines only run when somebody (or a schedule) starts them.
        p.trigger[index] = 1;
      } else if (k % 4 === 1) {
        entry.plans.set(index, { steps: [{ name: 'Build' }, { name: 'Test' }, { name: 'Deploy to production' }] });
      } else if (k % 4 === 2) {
        entry.plans.set(index, { steps: [{ name: 'Build' }, { name: 'Release' }] });
      }
    }
    // Branch pipelines sometimes deploy a preview: a `deploy*` step NOT on the default branch (rules must skip it).
    for (let i = 0; i < p.length; i++) {
      if ((p.pr[i] as number) >= 0 && rng.chance(0.5)) entry.plans.set(i, { steps: [{ name: 'Build' }, { name: 'Deploy preview' }] });
    }
    if (style === 'deployments-api') {
      // A rollback: the oldest completed Production release deployed again after the newest pipeline.
      const production = onDefault.filter((i) => (p.state[i] as number) === 3 && entry.plans.get(i)?.steps.length === 3);
      const release = production[0];
      if (release !== undefined && production.length > 1) {
        const newest = Math.max(...onDefault.map((i) => (p.completed[i] as number) || (p.created[i] as number)));
        const started = Math.min(newest + 60_000, data.generatedAt - 30_000);
        entry.redeploys.push({ uuid: redeployUuid(data, repo, 0), pipeline: release, environment: 2, started, completed: started + 20_000, status: 'SUCCESSFUL' });
      }
      // A redeploy somebody stopped, and one still running (finish it with `finishDeployment`).
      const latest = onDefault[onDefault.length - 1];
      if (latest !== undefined) {
        const stoppedAt = data.generatedAt - 40_000;
        entry.redeploys.push({ uuid: redeployUuid(data, repo, 1), pipeline: latest, environment: 0, started: stoppedAt, completed: stoppedAt + 5_000, status: 'STOPPED' });
        // It finishes by itself half an hour after generation, when the simulator clock gets there.
        entry.redeploys.push({ uuid: redeployUuid(data, repo, 2), pipeline: latest, environment: 1, started: data.generatedAt - 20_000, completed: 0, status: undefined, plannedEnd: { at: data.generatedAt + 30 * 60_000, status: 'SUCCESSFUL' } });
      }
    }
  }
}

export function environmentUuid(data: CloudData, repo: RepositoryState, rank: number): string {
  return braceUuidOf(data.seed, repo.key, saltOf('environment'), rank);
}

export function stepUuid(data: CloudData, repo: RepositoryState, pipeline: number, step: number): string {
  return braceUuidOf(data.seed, repo.key, saltOf('step'), pipeline, step);
}

export function stepDeploymentUuid(data: CloudData, repo: RepositoryState, pipeline: number, step: number): string {
  return braceUuidOf(data.seed, repo.key, saltOf('deployment'), pipeline, step);
}

export function redeployUuid(data: CloudData, repo: RepositoryState, n: number): string {
  return braceUuidOf(data.seed, repo.key, saltOf('redeploy'), n);
}

/** A step's state, derived from its pipeline's columns. */
export interface StepRun {
  readonly uuid: string;
  readonly name: string;
  readonly environment: number | undefined;
  /** `PENDING`, `IN_PROGRESS` or `COMPLETED`. */
  readonly state: 'PENDING' | 'IN_PROGRESS' | 'COMPLETED';
  /** For completed steps: SUCCESSFUL, FAILED, ERROR, STOPPED, EXPIRED. */
  readonly result: string | undefined;
  /** Milliseconds, or undefined when not started. */
  readonly started: number | undefined;
  readonly completed: number | undefined;
}

/**
 * The steps of pipeline `index`: they run one after another, 30 s each, the last one until the pipeline
 * completes. A completed pipeline's last step carries its result (earlier ones succeeded); a running one's
 * last step is running; a pending pipeline's steps have not started.
 */
export function stepRuns(data: CloudData, world: DeploymentWorld, repo: RepositoryState, index: number): StepRun[] {
  const p = repo.pipelines;
  const plan = planOf(world, repo, index);
  const state = p.state[index] as number;
  const created = p.created[index] as number;
  const completed = p.completed[index] as number;
  const n = plan.steps.length;
  const slot = state === 3 ? Math.max(1, Math.floor((completed - created) / n)) : 1000;
  return plan.steps.map((step, k) => {
    const last = k === n - 1;
    const started = state === 0 ? undefined : created + k * slot;
    let runState: StepRun['state'] = 'COMPLETED';
    let result: string | undefined = 'SUCCESSFUL';
    let ended: number | undefined = started === undefined ? undefined : created + (k + 1) * slot;
    if (state === 0) {
      runState = 'PENDING';
      result = undefined;
    } else if (last && state !== 3) {
      runState = 'IN_PROGRESS';
      result = undefined;
      ended = undefined;
    } else if (last) {
      result = PIPELINE_RESULTS[p.result[index] as number] || 'SUCCESSFUL';
      ended = completed;
    }
    return { uuid: stepUuid(data, repo, index, k), name: step.name, environment: step.environment, state: runState, result, started, completed: ended };
  });
}

/** One deployment as the Deployments API lists it. */
export interface DeploymentRun {
  readonly uuid: string;
  readonly environment: number;
  /** Pipeline index of the release. */
  readonly pipeline: number;
  /** Step uuid (for step deployments). */
  readonly step: string | undefined;
  readonly started: number;
  readonly completed: number | undefined;
  /** Undefined while in progress. */
  readonly status: DeploymentStatus | undefined;
}

/** Maps a step / pipeline result onto the three completed deployment statuses. */
export function deploymentStatusOf(result: string): DeploymentStatus {
  if (result === 'SUCCESSFUL') return 'SUCCESSFUL';
  if (result === 'STOPPED' || result === 'EXPIRED') return 'STOPPED';
  return 'FAILED';
}

/** Every deployment of a repository (steps with an environment that started, and redeploys), oldest first. */
export function deploymentRuns(data: CloudData, world: DeploymentWorld, repo: RepositoryState): DeploymentRun[] {
  const entry = world.of(repo);
  if (entry.environments.length === 0) return [];
  const out: DeploymentRun[] = [];
  for (const index of entry.plans.keys()) {
    if (index >= repo.pipelines.length) continue;
    stepRuns(data, world, repo, index).forEach((step, k) => {
      if (step.environment === undefined || step.started === undefined) return;
      out.push({
        uuid: stepDeploymentUuid(data, repo, index, k),
        environment: step.environment,
        pipeline: index,
        step: step.uuid,
        started: step.started,
        completed: step.completed,
        status: step.state === 'COMPLETED' && step.result !== undefined ? deploymentStatusOf(step.result) : undefined,
      });
    });
  }
  const now = world.now();
  for (const redeploy of entry.redeploys) {
    const finishedByItself = redeploy.status === undefined && redeploy.plannedEnd !== undefined && redeploy.plannedEnd.at <= now;
    out.push({
      uuid: redeploy.uuid,
      environment: redeploy.environment,
      pipeline: redeploy.pipeline,
      step: undefined,
      started: redeploy.started,
      completed: finishedByItself ? redeploy.plannedEnd?.at : redeploy.completed > 0 ? redeploy.completed : undefined,
      status: finishedByItself ? redeploy.plannedEnd?.status : redeploy.status,
    });
  }
  return out.sort((a, b) => a.started - b.started || (a.uuid < b.uuid ? -1 : 1));
}
