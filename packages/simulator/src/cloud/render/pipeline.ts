/** Pipeline objects. */
import { planOf } from '../model/deployments.js';
import { commitHash, prBranch, pipelineUuid } from '../model/derive.js';
import { PIPELINE_RESULTS, type RepositoryState } from '../model/store.js';
import { renderUser } from './accounts.js';
import { WEB, isoMillis, link, type RenderContext } from './context.js';
import { renderRepositoryRef, repoPath } from './repository.js';

const TRIGGERS = [
  { name: 'PUSH', type: 'pipeline_trigger_push' },
  { name: 'MANUAL', type: 'pipeline_trigger_manual' },
  { name: 'SCHEDULE', type: 'pipeline_trigger_schedule' },
] as const;

function renderState(state: number, result: number): Record<string, unknown> {
  switch (state) {
    case 0:
      return { name: 'PENDING', type: 'pipeline_state_pending' };
    case 1:
      return { name: 'IN_PROGRESS', type: 'pipeline_state_in_progress', stage: { name: 'RUNNING', type: 'pipeline_state_in_progress_running' } };
    case 2:
      return { name: 'IN_PROGRESS', type: 'pipeline_state_in_progress', stage: { name: 'PAUSED', type: 'pipeline_state_in_progress_paused' } };
    default: {
      const name = PIPELINE_RESULTS[result] || 'SUCCESSFUL';
      const resultObject: Record<string, unknown> = { name, type: `pipeline_state_completed_${name.toLowerCase()}` };
      if (name === 'ERROR') resultObject['error'] = { type: 'pipeline_error', key: 'plan-service.parse.invalid-yaml', message: 'There is an error in your bitbucket-pipelines.yml' };
      return { name: 'COMPLETED', type: 'pipeline_state_completed', result: resultObject };
    }
  }
}

/** The pipeline's branch name. */
export function pipelineBranch(repo: RepositoryState, index: number): string {
  const pr = repo.pipelines.pr[index] as number;
  return pr >= 0 ? prBranch(repo, pr) : repo.mainbranch;
}

export function renderPipeline(ctx: RenderContext, repo: RepositoryState, index: number): Record<string, unknown> {
  const p = repo.pipelines;
  const uuid = pipelineUuid(ctx.data, repo, index);
  const hash = commitHash(ctx.data, repo, p.commit[index] as number);
  const branch = pipelineBranch(repo, index);
  const created = p.created[index] as number;
  const completed = p.completed[index] as number;
  const state = p.state[index] as number;
  const creator = ctx.data.members[p.creator[index] as number];
  const self = `${repoPath(ctx, repo)}/pipelines/${encodeURIComponent(uuid)}`;
  const pipeline: Record<string, unknown> = {
    type: 'pipeline',
    uuid,
    repository: renderRepositoryRef(ctx, repo),
    state: renderState(state, p.result[index] as number),
    build_number: index + 1,
    run_number: 1,
    creator: creator ? renderUser(ctx, creator) : null,
    created_on: isoMillis(created),
    target: {
      type: 'pipeline_ref_target',
      ref_type: 'branch',
      ref_name: branch,
      selector: selectorOf(ctx, repo, index, branch),
      commit: {
        type: 'commit',
        hash,
        links: { self: link(`${repoPath(ctx, repo)}/commit/${hash}`), html: link(`${WEB}/${ctx.data.workspace.slug}/${repo.slug}/commits/${hash}`) },
      },
    },
    trigger: TRIGGERS[p.trigger[index] as number] ?? TRIGGERS[0],
    duration_in_seconds: completed > 0 ? Math.floor((completed - created) / 1000) : 0,
    build_seconds_used: completed > 0 ? Math.floor((completed - created) / 1000) : 0,
    first_successful: false,
    expired: false,
    has_variables: false,
    links: { self: link(self), steps: link(`${self}/steps`) },
  };
  if (completed > 0) pipeline['completed_on'] = isoMillis(completed);
  return pipeline;
}

/** A custom pipeline (`pipelines: custom: deploy-prod:`) is selected by name; others by branch pattern or default. */
function selectorOf(ctx: RenderContext, repo: RepositoryState, index: number, branch: string): Record<string, unknown> {
  const custom = planOf(ctx.data.deployments, repo, index).custom;
  if (custom !== undefined) return { type: 'custom', pattern: custom };
  return branch === repo.mainbranch ? { type: 'branches', pattern: branch } : { type: 'default' };
}
