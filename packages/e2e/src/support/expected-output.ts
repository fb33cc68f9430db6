/**
 * What each output record must carry, written by hand from the API documents (`/work/shared/specs`: the Cloud
 * OpenAPI schemas `repository`, `pullrequest`, `commit`, `pullrequest_comment`, `pipeline`, `workspace_membership`
 * and the Data Center REST schemas) and from the record contract in the package READMEs, NOT from the connectors'
 * `fields.ts` lists or key functions: a field a connector drops, renames or fills wrongly makes the end-to-end
 * comparison fail. Each stream has
 * - `shape`: the API fields kept, as a nested template (`true` keeps a field whole; inside a list the template
 *   applies to every element), applied the way Bitbucket applies a `fields=` whitelist (a parent left with
 *   nothing, or a null where the template goes deeper, is left out; an empty list stays). `'all'`: the object as
 *   the API sends it (Data Center has no `fields=`).
 * - `key`: an independent primary key computed from the record's content, so a record the connector keys wrongly
 *   shows up as missing or duplicated.
 * - `place`: the fields bbsync adds to place a record (`repository_uuid`, `pull_request_id`; `repositoryId`,
 *   `pullRequestId`) and, on Data Center, an ISO 8601 copy of each epoch-millisecond timestamp.
 */

export type ApiObject = Record<string, unknown>;

/** A field template: `true` keeps the field whole; an object keeps the named fields below it. */
export type Shape = true | { readonly [field: string]: Shape };

/** Bitbucket Cloud's `user` / `account` objects as bbsync keeps them (no links, no avatar). */
const CLOUD_USER: Shape = { type: true, uuid: true, display_name: true, account_id: true, nickname: true };

/** A Cloud `commit` object (schema `commit` + `base_commit`): no `links`, `summary` or `rendered` (derived from `message`). */
const CLOUD_COMMIT: Shape = {
  type: true,
  hash: true,
  date: true,
  message: true,
  author: { raw: true, user: CLOUD_USER },
  parents: { hash: true },
  // The repository by uuid only: its full name would go stale on a rename.
  repository: { uuid: true },
};

/** A Cloud `pullrequest_comment` (schema `comment` + `pullrequest_comment`): the raw markup, not its rendering. */
const CLOUD_COMMENT: Shape = {
  type: true,
  id: true,
  created_on: true,
  updated_on: true,
  deleted: true,
  pending: true,
  content: { raw: true },
  user: CLOUD_USER,
  inline: { path: true, from: true, to: true, outdated: true },
  parent: { id: true },
  pullrequest: { id: true },
};

export const CLOUD_SHAPES: Readonly<Record<string, Shape>> = {
  repositories: {
    type: true,
    uuid: true,
    slug: true,
    name: true,
    full_name: true,
    description: true,
    is_private: true,
    fork_policy: true,
    language: true,
    size: true,
    scm: true,
    website: true,
    has_issues: true,
    has_wiki: true,
    created_on: true,
    updated_on: true,
    mainbranch: { name: true, type: true },
    project: { uuid: true, key: true, name: true },
    parent: { uuid: true, full_name: true },
    links: { html: { href: true } },
  },
  // `workspace_membership`: who, of which workspace (email only with an admin scope, never kept).
  workspace_members: { user: CLOUD_USER, workspace: { uuid: true, slug: true } },
  pull_requests: {
    type: true,
    id: true,
    title: true,
    description: true,
    state: true,
    draft: true,
    author: CLOUD_USER,
    source: { branch: { name: true }, commit: { hash: true }, repository: { uuid: true } },
    destination: { branch: { name: true }, commit: { hash: true }, repository: { uuid: true } },
    merge_commit: { hash: true },
    close_source_branch: true,
    closed_by: CLOUD_USER,
    reason: true,
    created_on: true,
    updated_on: true,
    comment_count: true,
    task_count: true,
    reviewers: CLOUD_USER,
    participants: { user: CLOUD_USER, role: true, approved: true, state: true, participated_on: true },
  },
  // Activity items: who did what when. An `update` keeps state, reason, author and date, not the title,
  // description or branches, which Bitbucket renders as they are now rather than as they were.
  pull_request_activity: {
    pull_request: { id: true },
    update: { date: true, state: true, reason: true, author: CLOUD_USER },
    approval: { date: true, user: CLOUD_USER, pullrequest: { id: true } },
    changes_request: { date: true, user: CLOUD_USER, pullrequest: { id: true } },
    comment: CLOUD_COMMENT,
  },
  pull_request_comments: CLOUD_COMMENT,
  pull_request_commits: CLOUD_COMMIT,
  commits: CLOUD_COMMIT,
  commit_details: CLOUD_COMMIT,
  pipelines: {
    type: true,
    uuid: true,
    build_number: true,
    created_on: true,
    completed_on: true,
    run_number: true,
    duration_in_seconds: true,
    build_seconds_used: true,
    state: { name: true, type: true, stage: true, result: true },
    target: { type: true, ref_type: true, ref_name: true, selector: true, commit: { type: true, hash: true } },
    trigger: true,
    creator: CLOUD_USER,
  },
};

/** Epoch-millisecond fields of Data Center objects that records also carry as `<field>Iso`. */
export const DATA_CENTER_DATES: Readonly<Record<string, readonly string[]>> = {
  projects: [],
  repositories: [],
  users: [],
  commits: ['authorTimestamp', 'committerTimestamp'],
  pull_requests: ['createdDate', 'updatedDate', 'closedDate'],
  pull_request_activities: ['createdDate'],
  pull_request_commits: ['authorTimestamp', 'committerTimestamp'],
};

/** Applies a template as Bitbucket applies a `fields=` whitelist; undefined when nothing of `value` is kept. */
export function applyShape(value: unknown, shape: Shape): unknown {
  if (shape === true) return value;
  if (Array.isArray(value)) {
    if (value.length === 0) return [];
    const kept = value.map((item) => applyShape(item, shape)).filter((item) => item !== undefined);
    return kept.length > 0 ? kept : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const out: ApiObject = {};
  for (const [field, sub] of Object.entries(shape)) {
    if (!Object.hasOwn(value, field)) continue;
    const kept = applyShape((value as ApiObject)[field], sub);
    if (kept !== undefined) out[field] = kept;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const str = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value));
const at = (record: ApiObject, ...path: string[]): unknown =>
  path.reduce<unknown>((value, field) => (typeof value === 'object' && value !== null ? (value as ApiObject)[field] : undefined), record);

/** The record's identity, from its content (who/when for Cloud activity items, which have no id). */
export function cloudKey(stream: string, record: ApiObject): string {
  const repo = str(record.repository_uuid);
  const pr = str(record.pull_request_id);
  switch (stream) {
    case 'repositories':
      return str(record.uuid);
    case 'workspace_members':
      return str(at(record, 'user', 'uuid'));
    case 'pull_requests':
    case 'pull_request_comments':
      return `${repo} ${str(record.id)}`;
    case 'pull_request_activity': {
      for (const kind of ['approval', 'changes_request', 'update'] as const) {
        const item = record[kind];
        if (item !== undefined) {
          const who = kind === 'update' ? at(record, kind, 'author', 'uuid') : at(record, kind, 'user', 'uuid');
          return `${repo} ${pr} ${kind} ${str(who)} ${str(at(record, kind, 'date'))}`;
        }
      }
      if (record.comment !== undefined) return `${repo} ${pr} comment ${str(at(record, 'comment', 'id'))}`;
      return `${repo} ${pr} unknown ${JSON.stringify(record)}`;
    }
    case 'pull_request_commits':
      return `${repo} ${pr} ${str(record.hash)}`;
    case 'commits':
    case 'commit_details':
    case 'pipelines':
      return `${repo} ${str(record.hash ?? record.uuid)}`;
    default:
      return JSON.stringify(record);
  }
}

export function dataCenterKey(stream: string, record: ApiObject): string {
  switch (stream) {
    case 'projects':
    case 'repositories':
    case 'users':
      return str(record.id);
    case 'commits':
    case 'pull_requests':
      return `${str(record.repositoryId)} ${str(record.id)}`;
    default:
      return `${str(record.repositoryId)} ${str(record.pullRequestId)} ${str(record.id)}`;
  }
}

/** A Cloud record as it must be written: the shaped API object plus its placement. */
export function cloudRecord(stream: string, object: ApiObject, placement: ApiObject): ApiObject {
  const shape = CLOUD_SHAPES[stream];
  if (shape === undefined) throw new Error(`no expected-output shape for Cloud stream ${stream}`);
  return { ...((applyShape(object, shape) as ApiObject | undefined) ?? {}), ...placement };
}

/** A Data Center record as it must be written: the API object whole, its placement and the ISO copies of its dates. */
export function dataCenterRecord(stream: string, object: ApiObject, placement: ApiObject): ApiObject {
  const dates: ApiObject = {};
  for (const field of DATA_CENTER_DATES[stream] ?? []) {
    const value = object[field];
    if (typeof value === 'number') dates[`${field}Iso`] = new Date(value).toISOString();
  }
  return { ...object, ...placement, ...dates };
}
