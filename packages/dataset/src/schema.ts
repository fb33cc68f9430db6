/**
 * The dataset's schema as data: every table, column and meaning in one place, so the DDL, `docs/schema.md`
 * and the Parquet export are generated from the same list and cannot drift apart.
 *
 * One schema for Bitbucket Cloud and Data Center. Every table keeps `source` (`cloud` or `datacenter`), `key`
 * (the record's primary key as bbsync wrote it, stable across renames), `synced_at` and `raw` (the API object as
 * JSON, queryable with SQLite's JSON functions). Times are ISO 8601 UTC text (`2026-01-02T03:04:05.000Z`), which
 * SQLite's date functions read and which sorts in time order.
 */

/** How a column is stored: SQLite type, and the Parquet type it is exported as. */
export type ColumnKind = 'text' | 'integer' | 'real' | 'boolean' | 'time' | 'json';

export interface ColumnDefinition {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly description: string;
}

export interface TableDefinition {
  readonly name: string;
  readonly description: string;
  /** Built from other tables after loading (not from one stream's records). */
  readonly derived?: boolean;
  readonly columns: readonly ColumnDefinition[];
  /** Column names of the primary key. */
  readonly primaryKey: readonly string[];
  /** Extra indexes: each a list of column names. */
  readonly indexes?: readonly (readonly string[])[];
}

const SOURCE: ColumnDefinition = { name: 'source', kind: 'text', description: '`cloud` or `datacenter`.' };
const KEY: ColumnDefinition = { name: 'key', kind: 'text', description: "The record's primary key as bbsync wrote it (stable across renames)." };
const SYNCED_AT: ColumnDefinition = { name: 'synced_at', kind: 'time', description: 'When bbsync fetched the record.' };
const RAW: ColumnDefinition = { name: 'raw', kind: 'json', description: 'The API object, as JSON (`json_extract(raw, \'$.title\')`).' };
const REPOSITORY: ColumnDefinition = { name: 'repository_id', kind: 'text', description: 'The repository (`repositories.repository_id`): its UUID on Cloud, numeric id on Data Center.' };
const PULL_REQUEST: ColumnDefinition = { name: 'pull_request_key', kind: 'text', description: 'The pull request (`pull_requests.key`): `<repository_id>:<number>`.' };
const NUMBER: ColumnDefinition = { name: 'pull_request_number', kind: 'integer', description: 'The pull request number within its repository.' };

function table(definition: Omit<TableDefinition, 'columns' | 'primaryKey'> & { readonly columns: readonly ColumnDefinition[]; readonly primaryKey?: readonly string[] }): TableDefinition {
  return {
    ...definition,
    columns: [SOURCE, KEY, ...definition.columns, SYNCED_AT, RAW],
    primaryKey: definition.primaryKey ?? ['source', 'key'],
  };
}

export const TABLES: readonly TableDefinition[] = [
  table({
    name: 'repositories',
    description: 'Repositories (Cloud `repositories`, Data Center `repositories`).',
    columns: [
      { name: 'repository_id', kind: 'text', description: 'UUID on Cloud (`{…}`), numeric id on Data Center; the same as `key`.' },
      { name: 'project_key', kind: 'text', description: 'The project key.' },
      { name: 'slug', kind: 'text', description: 'The repository slug (changes on rename).' },
      { name: 'name', kind: 'text', description: 'The display name.' },
      { name: 'full_name', kind: 'text', description: '`workspace/slug` on Cloud, `PROJECT/slug` on Data Center.' },
      { name: 'default_branch', kind: 'text', description: 'The default (main) branch.' },
      { name: 'url', kind: 'text', description: 'The web page of the repository.' },
      { name: 'created_at', kind: 'time', description: 'Created (Cloud only).' },
      { name: 'updated_at', kind: 'time', description: 'Last updated (Cloud only).' },
    ],
    indexes: [['repository_id']],
  }),
  table({
    name: 'users',
    description:
      'One identity per account: workspace members (Cloud) or users (Data Center), plus every account seen on a pull request, comment or commit. `key` is the UUID on Cloud, the numeric id on Data Center.',
    columns: [
      { name: 'user_id', kind: 'text', description: 'The source\'s id: UUID on Cloud, numeric id on Data Center (the same as `key`).' },
      { name: 'account_id', kind: 'text', description: 'The Atlassian account id (Cloud).' },
      { name: 'username', kind: 'text', description: 'Nickname (Cloud) or user slug (Data Center).' },
      { name: 'display_name', kind: 'text', description: 'The display name.' },
      { name: 'email', kind: 'text', description: 'E-mail address where the API gives it (Data Center).' },
      { name: 'is_bot', kind: 'boolean', description: '1 for app and service accounts (Cloud `app_user`, Data Center `SERVICE`) and `[bot]` names.' },
    ],
  }),
  table({
    name: 'pull_requests',
    description: 'Pull requests, with their state, author, times, branches and commits (full hashes).',
    columns: [
      REPOSITORY,
      { name: 'number', kind: 'integer', description: 'The pull request number within its repository.' },
      { name: 'title', kind: 'text', description: 'The title.' },
      { name: 'state', kind: 'text', description: '`open`, `merged`, `declined` or `superseded`.' },
      { name: 'author_id', kind: 'text', description: 'The author (`users.user_id`).' },
      { name: 'created_at', kind: 'time', description: 'Opened.' },
      { name: 'updated_at', kind: 'time', description: 'Last updated.' },
      { name: 'merged_at', kind: 'time', description: 'Merged (the merge event; else the close time of a merged pull request).' },
      { name: 'closed_at', kind: 'time', description: 'Merged or declined.' },
      { name: 'source_branch', kind: 'text', description: 'The source branch.' },
      { name: 'destination_branch', kind: 'text', description: 'The destination branch.' },
      { name: 'source_commit', kind: 'text', description: 'The source tip (full hash where known).' },
      { name: 'destination_commit', kind: 'text', description: 'The destination tip (full hash where known).' },
      { name: 'merge_commit', kind: 'text', description: 'The merge commit (full hash), when merged.' },
      { name: 'is_draft', kind: 'boolean', description: '1 while the pull request is a draft.' },
      { name: 'additions', kind: 'integer', description: 'Lines added, where the source gives it (else null).' },
      { name: 'deletions', kind: 'integer', description: 'Lines deleted, where the source gives it (else null).' },
    ],
    indexes: [['repository_id', 'number'], ['merged_at'], ['merge_commit']],
  }),
  table({
    name: 'pull_request_events',
    description:
      "A pull request's timeline: one row per event. From the `pull_request_events` stream where the snapshot has it (`origin` = `events`), else derived from the activity streams (`origin` = `activity`: Cloud `pull_request_activity`, Data Center `pull_request_activities`).",
    columns: [
      PULL_REQUEST,
      REPOSITORY,
      NUMBER,
      { name: 'at', kind: 'time', description: 'When it happened.' },
      {
        name: 'kind',
        kind: 'text',
        description:
          '`opened`, `draft`, `ready_for_review`, `commit_pushed`, `commented`, `approved`, `approval_withdrawn`, `changes_requested`, `merged`, `declined` or `reopened`.',
      },
      { name: 'actor_id', kind: 'text', description: 'Who (`users.user_id`).' },
      { name: 'is_author', kind: 'boolean', description: "1 when the actor is the pull request's author." },
      { name: 'is_bot', kind: 'boolean', description: '1 when the actor is a bot or service account.' },
      { name: 'origin', kind: 'text', description: '`events` or `activity` (see above).' },
    ],
    // Covering the timeline columns the views read, so pr_flow never reads the raw JSON of events.
    indexes: [['source', 'pull_request_key', 'kind', 'at', 'actor_id', 'is_author', 'is_bot']],
  }),
  table({
    name: 'pull_request_reviews',
    description: 'Approvals and change requests with their times (the `approved` and `changes_requested` events).',
    derived: true,
    columns: [
      PULL_REQUEST,
      REPOSITORY,
      { name: 'reviewer_id', kind: 'text', description: 'The reviewer (`users.user_id`).' },
      { name: 'state', kind: 'text', description: '`approved` or `changes_requested`.' },
      { name: 'at', kind: 'time', description: 'When.' },
      { name: 'is_author', kind: 'boolean', description: "1 when the reviewer is the pull request's author." },
      { name: 'is_bot', kind: 'boolean', description: '1 when the reviewer is a bot or service account.' },
    ],
    indexes: [['pull_request_key'], ['reviewer_id', 'at']],
  }),
  table({
    name: 'pull_request_comments',
    description: 'Pull request comments (Cloud `pull_request_comments`; Data Center: the comments in `pull_request_activities`).',
    columns: [
      PULL_REQUEST,
      REPOSITORY,
      { name: 'comment_id', kind: 'text', description: "The source's comment id." },
      { name: 'parent_id', kind: 'text', description: 'The comment replied to, if any.' },
      { name: 'author_id', kind: 'text', description: 'The author (`users.user_id`).' },
      { name: 'body', kind: 'text', description: 'The text (raw markup).' },
      { name: 'file_path', kind: 'text', description: 'The file of an inline comment.' },
      { name: 'created_at', kind: 'time', description: 'Written.' },
      { name: 'updated_at', kind: 'time', description: 'Last edited.' },
      { name: 'is_deleted', kind: 'boolean', description: '1 for a comment deleted on the server (Cloud keeps it, flagged).' },
    ],
    indexes: [['pull_request_key', 'created_at']],
  }),
  table({
    name: 'pull_request_commits',
    description: "The commits of a pull request's source branch.",
    columns: [
      PULL_REQUEST,
      REPOSITORY,
      { name: 'hash', kind: 'text', description: 'The full commit hash.' },
      { name: 'author_id', kind: 'text', description: 'The author, where linked to an account (`users.user_id`).' },
      { name: 'author_name', kind: 'text', description: 'The author as git recorded it.' },
      { name: 'authored_at', kind: 'time', description: 'Authored.' },
      { name: 'message', kind: 'text', description: 'The commit message.' },
    ],
    indexes: [['source', 'pull_request_key', 'authored_at']],
  }),
  table({
    name: 'commits',
    description: "Commits of the default branch (and the tips of pull requests whose branch is gone, Cloud's `commit_details`).",
    columns: [
      REPOSITORY,
      { name: 'hash', kind: 'text', description: 'The full commit hash.' },
      { name: 'author_id', kind: 'text', description: 'The author, where linked to an account (`users.user_id`).' },
      { name: 'author_name', kind: 'text', description: 'The author as git recorded it.' },
      { name: 'authored_at', kind: 'time', description: 'Authored.' },
      { name: 'committed_at', kind: 'time', description: 'Committed (Data Center; Cloud gives one date, used for both).' },
      { name: 'message', kind: 'text', description: 'The commit message.' },
      { name: 'parents', kind: 'json', description: 'Parent hashes, as a JSON array.' },
      { name: 'is_merge', kind: 'boolean', description: '1 for a commit with two or more parents.' },
      { name: 'is_revert', kind: 'boolean', description: '1 for a revert (`Revert "…"` or `This reverts commit …`).' },
    ],
    // Covering what lead time and the deployment walk read, so neither touches the raw JSON of commits.
    indexes: [['source', 'repository_id', 'hash', 'committed_at', 'authored_at', 'is_revert', 'parents']],
  }),
  table({
    name: 'pipelines',
    description: 'Bitbucket Pipelines runs (Cloud).',
    columns: [
      REPOSITORY,
      { name: 'pipeline_id', kind: 'text', description: 'The pipeline UUID.' },
      { name: 'build_number', kind: 'integer', description: 'The build number.' },
      { name: 'state', kind: 'text', description: '`PENDING`, `IN_PROGRESS` or `COMPLETED`.' },
      { name: 'result', kind: 'text', description: 'For a completed run: `SUCCESSFUL`, `FAILED`, `ERROR`, `STOPPED`, …' },
      { name: 'ref_name', kind: 'text', description: 'The branch or tag it ran for.' },
      { name: 'commit_hash', kind: 'text', description: 'The commit it ran for.' },
      { name: 'trigger', kind: 'text', description: '`PUSH`, `MANUAL`, `SCHEDULE`, …' },
      { name: 'creator_id', kind: 'text', description: 'Who started it (`users.user_id`).' },
      { name: 'created_at', kind: 'time', description: 'Started.' },
      { name: 'completed_at', kind: 'time', description: 'Finished.' },
      { name: 'duration_seconds', kind: 'integer', description: 'Run time in seconds.' },
    ],
    indexes: [['repository_id', 'created_at']],
  }),
  table({
    name: 'deployments',
    description: 'Deployments to environments: from the deployments API (Cloud) or inferred by a rule (`origin`).',
    columns: [
      REPOSITORY,
      { name: 'environment', kind: 'text', description: 'The environment name.' },
      { name: 'environment_type', kind: 'text', description: '`production`, `staging`, `test`, … (production deployments feed lead time and change failure rate).' },
      { name: 'state', kind: 'text', description: '`SUCCESSFUL`, `FAILED`, `STOPPED` or `IN_PROGRESS`.' },
      { name: 'started_at', kind: 'time', description: 'Started.' },
      { name: 'completed_at', kind: 'time', description: 'Finished.' },
      { name: 'commit_hash', kind: 'text', description: 'The commit deployed (full hash).' },
      { name: 'pipeline', kind: 'text', description: 'The pipeline that deployed it, if any.' },
      { name: 'origin', kind: 'text', description: '`deployments-api` or `inferred`.' },
      { name: 'rule', kind: 'text', description: 'The inference rule that found it, if inferred.' },
    ],
    indexes: [['repository_id', 'environment', 'completed_at']],
  }),
  {
    name: 'deployment_commits',
    description:
      'Which commits each deployment shipped: every commit reachable from its commit that no earlier successful deployment to the same environment had shipped (walked through `commits.parents`).',
    derived: true,
    columns: [
      SOURCE,
      { name: 'deployment_key', kind: 'text', description: 'The deployment (`deployments.key`).' },
      REPOSITORY,
      { name: 'hash', kind: 'text', description: 'A commit it shipped.' },
    ],
    primaryKey: ['source', 'deployment_key', 'hash'],
    indexes: [['repository_id', 'hash']],
  },
];

/** The tables loaded straight from records (not derived). */
export const TABLE_NAMES = TABLES.map((t) => t.name);

export function tableDefinition(name: string): TableDefinition {
  const found = TABLES.find((t) => t.name === name);
  if (found === undefined) throw new Error(`no table ${name}`);
  return found;
}

function sqliteType(kind: ColumnKind): string {
  switch (kind) {
    case 'integer':
    case 'boolean':
      return 'INTEGER';
    case 'real':
      return 'REAL';
    default:
      return 'TEXT';
  }
}

/** `CREATE TABLE` and `CREATE INDEX` statements for every table. */
export function schemaSql(): string {
  const statements: string[] = [];
  for (const t of TABLES) {
    const columns = t.columns.map((c) => `  ${c.name} ${sqliteType(c.kind)}${t.primaryKey.includes(c.name) ? ' NOT NULL' : ''}`);
    statements.push(`CREATE TABLE ${t.name} (\n${columns.join(',\n')},\n  PRIMARY KEY (${t.primaryKey.join(', ')})\n);`);
    for (const index of t.indexes ?? []) statements.push(`CREATE INDEX ${t.name}_${index.join('_')} ON ${t.name} (${index.join(', ')});`);
  }
  return statements.join('\n');
}

/** Bumped when the schema changes incompatibly; kept in `PRAGMA user_version`. */
export const SCHEMA_VERSION = 1;
