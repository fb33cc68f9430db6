/**
 * Deployments inferred from pipelines (where the Deployments API has no record for the repository), by the
 * configured rules (../../deployments/rules.ts):
 * - the pipeline listing (`sort=-created_on`, newest first) down to the newest build number already read;
 * - for each new pipeline, the first rule that matches: a custom pipeline rule needs nothing more; a step rule
 *   reads the pipeline's steps (`…/pipelines/{uuid}/steps`) only when its branch matches, once per pipeline;
 * - pipelines whose deployment could still change (running, or a step not finished) are kept in the cursor and
 *   read again (`GET /pipelines/{uuid}`, and its steps) until final, unless the listing pages read showed them.
 */
import type { DeploymentRecord, DeploymentState, PartitionContext } from '@bbsync/core';
import type { CloudConfig } from '../../config.js';
import { compileRules, effectiveRules, type CompiledRule } from '../../deployments/rules.js';
import { INFERENCE_PIPELINE_FIELDS, listFields, objectFields, STEP_FIELDS } from '../../fields.js';
import { listPages } from '../../listing.js';
import { requestContext, type RepositoryPartition } from '../../partition.js';
import { pipelinePath } from '../../paths.js';
import type { CloudInferencePipeline, CloudStep } from '../../records.js';
import { millis } from '../../time.js';

export interface InferenceCursor {
  /** The newest build number read. */
  readonly buildNumber: number | undefined;
  /** Pipelines whose deployment (or whether there is one) could still change. */
  readonly pending: readonly string[];
  /** Ids of the records inferred so far: deleted if the Deployments API takes over the repository. */
  readonly ids: readonly string[];
}

const DEPLOYMENTS = 'deployments';

type Ctx = PartitionContext<RepositoryPartition, unknown, CloudConfig>;

export async function inferDeployments(
  ctx: Ctx,
  partition: RepositoryPartition,
  base: string,
  mainBranch: string | null | undefined,
  previous: InferenceCursor | undefined,
): Promise<InferenceCursor> {
  const rules = compileRules(effectiveRules(ctx.config.deployments));
  const pending = new Set(previous?.pending ?? []);
  const stillPending: string[] = [];
  const start = previous === undefined ? ctx.startDate?.getTime() : undefined;
  let newest = previous?.buildNumber;
  const ids = new Set(previous?.ids ?? []);

  const consider = async (pipeline: CloudInferencePipeline) => {
    const outcome = await evaluate(ctx, partition, base, rules, pipeline, mainBranch);
    if (!outcome.final) stillPending.push(pipeline.uuid);
    for (const record of outcome.records) {
      ids.add(record.id);
      await ctx.record(DEPLOYMENTS, record);
    }
  };

  if (rules.length > 0) {
    listing: for await (const page of listPages<CloudInferencePipeline>(
      ctx.client,
      {
        url: `${base}/pipelines`,
        query: { pagelen: ctx.config.pageSizes.pipelines, sort: '-created_on', fields: listFields(INFERENCE_PIPELINE_FIELDS) },
        context: requestContext(DEPLOYMENTS, partition),
        signal: ctx.signal,
      },
      { kind: 'pipelines', key: (pipeline) => pipeline.uuid },
    )) {
      let reachedKnown = false;
      for (const pipeline of page.items) {
        const build = pipeline.build_number ?? 0;
        newest = Math.max(newest ?? 0, build);
        if (previous?.buildNumber !== undefined && build <= previous.buildNumber) {
          reachedKnown = true;
          if (pending.delete(pipeline.uuid)) await consider(pipeline);
          continue;
        }
        if (start !== undefined && millis(pipeline.created_on) < start) break listing;
        await consider(pipeline);
      }
      if (reachedKnown) break;
    }
  }

  for (const uuid of pending) {
    const response = await ctx.client.request<CloudInferencePipeline>({
      url: pipelinePath(base, uuid),
      query: { fields: objectFields(INFERENCE_PIPELINE_FIELDS) },
      context: requestContext(DEPLOYMENTS, partition),
      expect: [404],
      signal: ctx.signal,
    });
    if (response.status === 404) {
      ctx.absence(`pipeline ${uuid} (deploying last time) is gone`, 404);
      continue;
    }
    await consider(response.body);
  }
  return { buildNumber: newest, pending: stillPending, ids: [...ids] };
}

interface Outcome {
  readonly records: readonly DeploymentRecord[];
  /** False while the pipeline could still become (or change) a deployment. */
  readonly final: boolean;
}

/** The first rule that matches decides; steps are read at most once, and only when a step rule's branch matches. */
async function evaluate(
  ctx: Ctx,
  partition: RepositoryPartition,
  base: string,
  rules: readonly CompiledRule[],
  pipeline: CloudInferencePipeline,
  mainBranch: string | null | undefined,
): Promise<Outcome> {
  const branch = pipeline.target?.ref_name;
  const pipelineState = pipelineDeploymentState(pipeline);
  const pipelineFinal = pipeline.state?.name === 'COMPLETED';
  let steps: CloudStep[] | undefined;
  for (const compiled of rules) {
    const { rule } = compiled;
    if (!compiled.branchMatches(branch, mainBranch)) continue;
    const selector = pipeline.target?.selector;
    if (rule.customPipeline !== undefined) {
      const matched = selector?.type === 'custom' && selector.pattern !== undefined ? compiled.customMatch(selector.pattern) : undefined;
      if (matched === undefined) continue;
      if (rule.onlySuccessful && pipelineState !== 'SUCCESSFUL') return { records: [], final: pipelineFinal };
      return { records: [inferred(partition, pipeline, compiled, matched, pipeline.uuid, pipelineState, pipeline.created_on, pipeline.completed_on)], final: pipelineFinal };
    }
    if (rule.step !== undefined) {
      steps ??= await readSteps(ctx, partition, base, pipeline.uuid);
      const matching = steps.filter((step) => step.name !== undefined && compiled.stepMatches(step.name));
      if (matching.length === 0) continue;
      const records: DeploymentRecord[] = [];
      let final = pipelineFinal;
      for (const step of matching) {
        const state = stepDeploymentState(step);
        // A step that has not started is not (yet) a deployment; it may start later.
        if (step.started_on === undefined) {
          if (!pipelineFinal) final = false;
          continue;
        }
        if (state === 'IN_PROGRESS') final = false;
        if (rule.onlySuccessful && state !== 'SUCCESSFUL') continue;
        records.push(inferred(partition, pipeline, compiled, step.name as string, `${pipeline.uuid}:${step.uuid}`, state, step.started_on, step.completed_on));
      }
      return { records, final };
    }
    // Neither: every pipeline on the branch.
    if (rule.onlySuccessful && pipelineState !== 'SUCCESSFUL') return { records: [], final: pipelineFinal };
    return { records: [inferred(partition, pipeline, compiled, rule.environment, pipeline.uuid, pipelineState, pipeline.created_on, pipeline.completed_on)], final: pipelineFinal };
  }
  return { records: [], final: true };
}

function inferred(
  partition: RepositoryPartition,
  pipeline: CloudInferencePipeline,
  compiled: CompiledRule,
  matched: string,
  id: string,
  state: DeploymentState,
  startedOn: string | undefined,
  completedOn: string | undefined,
): DeploymentRecord {
  const { environment, environmentType } = compiled.environmentOf(matched);
  return {
    id,
    repository: partition.key,
    environment,
    environment_type: environmentType,
    state,
    started_on: startedOn ?? null,
    completed_on: state === 'IN_PROGRESS' ? null : (completedOn ?? null),
    commit: pipeline.target?.commit?.hash ?? null,
    pipeline: pipeline.uuid,
    origin: 'inferred',
    rule: compiled.rule.name,
  };
}

async function readSteps(ctx: Ctx, partition: RepositoryPartition, base: string, uuid: string): Promise<CloudStep[]> {
  const steps: CloudStep[] = [];
  for await (const page of listPages<CloudStep>(
    ctx.client,
    {
      url: `${pipelinePath(base, uuid)}/steps`,
      query: { pagelen: ctx.config.pageSizes.pipelines, fields: listFields(STEP_FIELDS) },
      context: requestContext(DEPLOYMENTS, partition),
      signal: ctx.signal,
    },
    { kind: 'steps', key: (step) => step.uuid },
  )) {
    steps.push(...page.items);
  }
  return steps;
}

/** SUCCESSFUL; FAILED (and ERROR); STOPPED (and EXPIRED); anything not completed is IN_PROGRESS. */
function resultState(completed: boolean, result: string | undefined): DeploymentState {
  if (!completed) return 'IN_PROGRESS';
  if (result === 'SUCCESSFUL') return 'SUCCESSFUL';
  if (result === 'STOPPED' || result === 'EXPIRED') return 'STOPPED';
  return 'FAILED';
}

function pipelineDeploymentState(pipeline: CloudInferencePipeline): DeploymentState {
  return resultState(pipeline.state?.name === 'COMPLETED', pipeline.state?.result?.name);
}

function stepDeploymentState(step: CloudStep): DeploymentState {
  return resultState(step.state?.name === 'COMPLETED', step.state?.result?.name);
}
