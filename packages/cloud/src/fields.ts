/**
 * `fields=` projections: only what bbsync stores crosses the wire. Records of repository streams name their
 * repository by `repository_uuid` (added by bbsync) and keep no field that embeds its slug or full name
 * (`links`, `repository.full_name`): a rename would otherwise leave every stored child record stale. Activity
 * `update` items keep who changed the state and when, not the pull request's title, description or branches,
 * which Bitbucket renders as they are now rather than as they were (the pull request record has those). Whitelists MUST keep `next`
 * ("The pagination keys must be whitelisted too if you whitelist", Cloud REST narrative; core refuses a
 * whitelist without it). Single-object GETs use the same lists without the `values.` prefix, so a record
 * has the same shape whichever request fetched it.
 */

const USER = ['uuid', 'display_name', 'account_id', 'nickname', 'type'];

function under(prefix: string, names: readonly string[]): string[] {
  return names.map((name) => `${prefix}.${name}`);
}

/** Repository fields (of a listing item or a single GET). */
export const REPOSITORY_FIELDS: readonly string[] = [
  'type',
  'uuid',
  'slug',
  'name',
  'full_name',
  'description',
  'is_private',
  'fork_policy',
  'language',
  'size',
  'scm',
  'website',
  'has_issues',
  'has_wiki',
  'created_on',
  'updated_on',
  'mainbranch.name',
  'mainbranch.type',
  'project.uuid',
  'project.key',
  'project.name',
  'parent.uuid',
  'parent.full_name',
  'links.html.href',
];

export const PULL_REQUEST_FIELDS: readonly string[] = [
  'type',
  'id',
  'title',
  'description',
  'state',
  'draft',
  ...under('author', USER),
  'source.branch.name',
  'source.commit.hash',
  'source.repository.uuid',
  'destination.branch.name',
  'destination.commit.hash',
  'destination.repository.uuid',
  'merge_commit.hash',
  'close_source_branch',
  ...under('closed_by', USER),
  'reason',
  'created_on',
  'updated_on',
  'comment_count',
  'task_count',
  ...under('reviewers', USER),
  ...under('participants.user', USER),
  'participants.role',
  'participants.approved',
  'participants.state',
  'participants.participated_on',
];

export const COMMIT_FIELDS: readonly string[] = [
  'type',
  'hash',
  'date',
  'message',
  'author.raw',
  ...under('author.user', USER),
  'parents.hash',
  'repository.uuid',
];

export const COMMENT_FIELDS: readonly string[] = [
  'type',
  'id',
  'created_on',
  'updated_on',
  'deleted',
  'pending',
  'content.raw',
  ...under('user', USER),
  'inline.path',
  'inline.from',
  'inline.to',
  'inline.outdated',
  'parent.id',
  'pullrequest.id',
];

/** Activity items (per pull request and the repository-wide feed). */
export const ACTIVITY_FIELDS: readonly string[] = [
  'pull_request.id',
  'update.date',
  'update.state',
  'update.reason',
  ...under('update.author', USER),
  'approval.date',
  ...under('approval.user', USER),
  'approval.pullrequest.id',
  // Webhook payloads name change requests `changes_request`; some clients read `changes_requested` from the
  // activity log, and no recorded activity page shows which: ask for both (BITBUCKET.md, simulator README).
  'changes_request.date',
  ...under('changes_request.user', USER),
  'changes_request.pullrequest.id',
  'changes_requested.date',
  ...under('changes_requested.user', USER),
  'changes_requested.pullrequest.id',
  ...under('comment', COMMENT_FIELDS),
];

export const PIPELINE_FIELDS: readonly string[] = [
  'type',
  'uuid',
  'build_number',
  'created_on',
  'completed_on',
  'run_number',
  'duration_in_seconds',
  'build_seconds_used',
  'state.name',
  'state.type',
  'state.stage',
  'state.result',
  'target.type',
  'target.ref_type',
  'target.ref_name',
  'target.selector',
  'target.commit.type',
  'target.commit.hash',
  'trigger',
  ...under('creator', USER),
];

/** A listing whitelist: each field under `values.`, plus `next` (and nothing else of the envelope). */
export function listFields(fields: readonly string[]): string {
  return [...under('values', fields), 'next'].join(',');
}

/** A single-object whitelist. */
export function objectFields(fields: readonly string[]): string {
  return fields.join(',');
}

/** Deployment environments (`/environments`). */
export const ENVIRONMENT_FIELDS: readonly string[] = ['type', 'uuid', 'name', 'slug', 'rank', 'hidden', 'environment_type.name', 'environment_type.rank', 'category.name'];

/** What the `deployments` record needs of a Deployments API record (`/deployments`, `/deployments/{uuid}`). */
export const DEPLOYMENT_FIELDS: readonly string[] = [
  'uuid',
  'environment.uuid',
  'state.name',
  'state.status.name',
  // The spec names the times `start_date`/`completion_date`; DevLake reads `started_on`/`completed_on`. Ask for both.
  'state.start_date',
  'state.completion_date',
  'state.started_on',
  'state.completed_on',
  'release.pipeline.uuid',
  'release.commit.hash',
  'deployable.pipeline.uuid',
  'deployable.commit.hash',
];

/** What inference needs of a pipeline. */
export const INFERENCE_PIPELINE_FIELDS: readonly string[] = [
  'uuid',
  'build_number',
  'created_on',
  'completed_on',
  'state.name',
  'state.result.name',
  'target.ref_name',
  'target.selector.type',
  'target.selector.pattern',
  'target.commit.hash',
];

/** What inference needs of a step (`/pipelines/{uuid}/steps`). */
export const STEP_FIELDS: readonly string[] = ['uuid', 'name', 'started_on', 'completed_on', 'state.name', 'state.result.name'];
