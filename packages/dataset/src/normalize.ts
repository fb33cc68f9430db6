/**
 * Record envelopes → rows of the one schema. Cloud and Data Center name the same things differently (a
 * pull request's `created_on` vs `createdDate` in epoch milliseconds, `participants[].state` vs activity
 * actions); this module is the single place where those differences are resolved, so the views and metrics
 * never look at a source's shape.
 */
import type { RecordEnvelope } from '@bbsync/core';

export type Source = 'cloud' | 'datacenter';
export type Row = Record<string, string | number | null>;

/** What one record becomes: rows to upsert into tables, and the accounts it mentions. */
export interface Mapped {
  readonly rows: readonly { readonly table: string; readonly row: Row }[];
  readonly users: readonly Row[];
}

type Json = Record<string, unknown>;

const EMPTY: Mapped = { rows: [], users: [] };

function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}
function str(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}
function int(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
}
function bool(value: unknown): number | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : null;
}
/** An ISO time (any offset, any sub-second precision) or epoch milliseconds → `YYYY-MM-DDTHH:MM:SS.sssZ`. */
export function isoTime(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  if (typeof value !== 'string' || value.length === 0) return null;
  // Date.parse keeps milliseconds and drops further digits (Cloud gives microseconds).
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
function path(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = obj(current)?.[key];
  return current;
}

const BOT_NAME = /\[bot\]$|(^|[-_. ])bot$|^bot([-_. ]|$)/i;

/** A user object of either source → a `users` row (or undefined when it names no account). */
export function userRow(source: Source, value: unknown, syncedAt: string): Row | undefined {
  const user = obj(value);
  if (user === undefined) return undefined;
  if (source === 'cloud') {
    const id = str(user['uuid']);
    if (id === null) return undefined;
    const name = str(user['nickname']);
    const display = str(user['display_name']);
    const isBot = user['type'] === 'app_user' || BOT_NAME.test(name ?? '') || BOT_NAME.test(display ?? '');
    return {
      source, key: id, user_id: id, account_id: str(user['account_id']), username: name, display_name: display,
      email: str(user['email']), is_bot: isBot ? 1 : 0, synced_at: syncedAt, raw: JSON.stringify(user),
    };
  }
  const id = str(user['id']);
  if (id === null) return undefined;
  const name = str(user['slug']) ?? str(user['name']);
  const display = str(user['displayName']);
  const isBot = user['type'] === 'SERVICE' || BOT_NAME.test(name ?? '') || BOT_NAME.test(display ?? '');
  return {
    source, key: id, user_id: id, account_id: null, username: name, display_name: display,
    email: str(user['emailAddress']), is_bot: isBot ? 1 : 0, synced_at: syncedAt, raw: JSON.stringify(user),
  };
}

function userId(source: Source, value: unknown): string | null {
  const user = obj(value);
  if (user === undefined) return null;
  return source === 'cloud' ? str(user['uuid']) : str(user['id']);
}

const REVERT = /^Revert "|This reverts commit [0-9a-f]{7,40}/m;

function base(source: Source, record: RecordEnvelope): Row {
  return { source, key: record.key };
}
function tail(record: RecordEnvelope): Row {
  return { synced_at: record.synced_at, raw: JSON.stringify(record.data) };
}
function users(source: Source, syncedAt: string, ...values: unknown[]): Row[] {
  const out: Row[] = [];
  for (const value of values) {
    const row = userRow(source, value, syncedAt);
    if (row !== undefined) out.push(row);
  }
  return out;
}

/** The repository of a repository-scoped record: its partition (the stable repository key). */
function repositoryOf(record: RecordEnvelope, data: Json): string | null {
  return record.partition !== '' ? record.partition : (str(data['repository_uuid']) ?? str(data['repositoryId']) ?? str(data['repository']));
}

function prKey(repository: string | null, number: unknown): string | null {
  if (typeof number === 'string' && number.includes(':')) return number;
  const n = str(number);
  return repository === null || n === null ? null : `${repository}:${n}`;
}

function commitRow(source: Source, record: RecordEnvelope, data: Json, table: 'commits' | 'pull_request_commits'): Mapped {
  const repository = repositoryOf(record, data);
  const cloud = source === 'cloud';
  const hash = cloud ? str(data['hash']) : str(data['id']);
  const authorUser = cloud ? path(data, 'author', 'user') : data['author'];
  const authorName = cloud ? str(path(data, 'author', 'raw')) : (str(path(data, 'author', 'displayName')) ?? str(path(data, 'author', 'name')));
  const authoredAt = cloud ? isoTime(data['date']) : isoTime(data['authorTimestamp']);
  const message = str(data['message']);
  const row: Row = { ...base(source, record), repository_id: repository, hash, author_id: userId(source, authorUser), author_name: authorName, authored_at: authoredAt, message };
  if (table === 'pull_request_commits') {
    const number = cloud ? data['pull_request_id'] : data['pullRequestId'];
    return { rows: [{ table, row: { ...row, pull_request_key: prKey(repository, number), ...tail(record) } }], users: users(source, record.synced_at, authorUser) };
  }
  const parents = Array.isArray(data['parents']) ? data['parents'].map((p) => (cloud ? str(path(p, 'hash')) : str(path(p, 'id')))).filter((h) => h !== null) : [];
  return {
    rows: [
      {
        table,
        row: {
          ...row,
          committed_at: cloud ? authoredAt : isoTime(data['committerTimestamp']),
          parents: JSON.stringify(parents),
          is_merge: parents.length > 1 ? 1 : 0,
          is_revert: message !== null && REVERT.test(message) ? 1 : 0,
          ...tail(record),
        },
      },
    ],
    users: users(source, record.synced_at, authorUser),
  };
}

function cloudPullRequest(record: RecordEnvelope, data: Json): Mapped {
  const repository = repositoryOf(record, data);
  const state = str(data['state'])?.toLowerCase() ?? null;
  const closedAt = state === 'open' ? null : isoTime(data['updated_on']);
  const full = (side: string) => str(path(data, side, 'commit', 'hash_full')) ?? str(path(data, side, 'commit', 'hash'));
  return {
    rows: [
      {
        table: 'pull_requests',
        row: {
          ...base('cloud', record),
          repository_id: repository,
          number: int(data['id']),
          title: str(data['title']),
          state,
          author_id: userId('cloud', data['author']),
          created_at: isoTime(data['created_on']),
          updated_at: isoTime(data['updated_on']),
          // Cloud has no merged_on: the merge event (activity or events) refines this after loading.
          merged_at: state === 'merged' ? closedAt : null,
          closed_at: closedAt,
          source_branch: str(path(data, 'source', 'branch', 'name')),
          destination_branch: str(path(data, 'destination', 'branch', 'name')),
          source_commit: full('source'),
          destination_commit: full('destination'),
          merge_commit: str(path(data, 'merge_commit', 'hash_full')) ?? str(path(data, 'merge_commit', 'hash')),
          is_draft: bool(data['draft']) ?? 0,
          additions: null,
          deletions: null,
          ...tail(record),
        },
      },
    ],
    users: users(
      'cloud',
      record.synced_at,
      data['author'],
      data['closed_by'],
      ...(Array.isArray(data['participants']) ? data['participants'].map((p) => path(p, 'user')) : []),
    ),
  };
}

function dataCenterPullRequest(record: RecordEnvelope, data: Json): Mapped {
  const repository = repositoryOf(record, data);
  const state = str(data['state'])?.toLowerCase() ?? null;
  const closedAt = isoTime(data['closedDate']);
  const author = path(data, 'author', 'user');
  return {
    rows: [
      {
        table: 'pull_requests',
        row: {
          ...base('datacenter', record),
          repository_id: repository,
          number: int(data['id']),
          title: str(data['title']),
          state,
          author_id: userId('datacenter', author),
          created_at: isoTime(data['createdDate']),
          updated_at: isoTime(data['updatedDate']),
          merged_at: state === 'merged' ? closedAt : null,
          closed_at: closedAt,
          source_branch: str(path(data, 'fromRef', 'displayId')),
          destination_branch: str(path(data, 'toRef', 'displayId')),
          source_commit: str(path(data, 'fromRef', 'latestCommit')),
          destination_commit: str(path(data, 'toRef', 'latestCommit')),
          // The merge activity carries the commit; the pull request itself names it in `properties.mergeCommit` on newer servers.
          merge_commit: str(path(data, 'properties', 'mergeCommit', 'id')),
          is_draft: bool(data['draft']) ?? 0,
          additions: null,
          deletions: null,
          ...tail(record),
        },
      },
    ],
    users: users(
      'datacenter',
      record.synced_at,
      author,
      ...(Array.isArray(data['reviewers']) ? data['reviewers'].map((p) => path(p, 'user')) : []),
      ...(Array.isArray(data['participants']) ? data['participants'].map((p) => path(p, 'user')) : []),
    ),
  };
}

function eventRow(source: Source, record: RecordEnvelope, fields: { repository: string | null; number: unknown; at: string | null; kind: string; actor: unknown; isAuthor: number | null; isBot: number | null; origin: 'events' | 'activity' }): Row {
  return {
    ...base(source, record),
    pull_request_key: prKey(fields.repository, fields.number),
    repository_id: fields.repository,
    pull_request_number: typeof fields.number === 'number' ? fields.number : int(Number(String(fields.number).split(':').pop())),
    at: fields.at,
    kind: fields.kind,
    actor_id: typeof fields.actor === 'string' || typeof fields.actor === 'number' ? String(fields.actor) : userId(source, fields.actor),
    is_author: fields.isAuthor,
    is_bot: fields.isBot,
    origin: fields.origin,
    ...tail(record),
  };
}

/** Cloud `pull_request_activity`: one of `update`, `approval`, `changes_request`, `comment`. */
function cloudActivity(record: RecordEnvelope, data: Json, deriveEvents: boolean): Mapped {
  if (!deriveEvents) return EMPTY;
  const repository = repositoryOf(record, data);
  const number = data['pull_request_id'] ?? path(data, 'pull_request', 'id');
  const common = { repository, number, isAuthor: null, isBot: null, origin: 'activity' as const };
  const approval = obj(data['approval']);
  const changes = obj(data['changes_request']);
  const comment = obj(data['comment']);
  const update = obj(data['update']);
  let row: Row | undefined;
  let actor: unknown;
  if (approval) {
    actor = approval['user'];
    row = eventRow('cloud', record, { ...common, at: isoTime(approval['date']), kind: 'approved', actor });
  } else if (changes) {
    actor = changes['user'];
    row = eventRow('cloud', record, { ...common, at: isoTime(changes['date']), kind: 'changes_requested', actor });
  } else if (comment) {
    actor = comment['user'];
    row = eventRow('cloud', record, { ...common, at: isoTime(comment['created_on']), kind: 'commented', actor });
  } else if (update) {
    actor = update['author'];
    const state = str(update['state']);
    const kind = state === 'MERGED' ? 'merged' : state === 'DECLINED' || state === 'SUPERSEDED' ? 'declined' : undefined;
    if (kind !== undefined) row = eventRow('cloud', record, { ...common, at: isoTime(update['date']), kind, actor });
  }
  return { rows: row ? [{ table: 'pull_request_events', row }] : [], users: users('cloud', record.synced_at, actor) };
}

const DATA_CENTER_ACTIONS: Readonly<Record<string, string>> = {
  OPENED: 'opened',
  APPROVED: 'approved',
  UNAPPROVED: 'approval_withdrawn',
  // REVIEWED is a reviewer setting "needs work".
  REVIEWED: 'changes_requested',
  COMMENTED: 'commented',
  RESCOPED: 'commit_pushed',
  MERGED: 'merged',
  DECLINED: 'declined',
  REOPENED: 'reopened',
};

/** Data Center `pull_request_activities`: timeline events (when derived) and the comments they carry. */
function dataCenterActivity(record: RecordEnvelope, data: Json, deriveEvents: boolean): Mapped {
  const repository = repositoryOf(record, data);
  const number = data['pullRequestId'];
  const action = str(data['action']) ?? '';
  const rows: { table: string; row: Row }[] = [];
  const at = isoTime(data['createdDate']);
  const comment = obj(data['comment']);
  const commentAdded = action === 'COMMENTED' && (data['commentAction'] ?? 'ADDED') === 'ADDED';
  const kind = DATA_CENTER_ACTIONS[action];
  // Only a new comment is a timeline event; an edit or a deletion is not a response to the pull request.
  if (deriveEvents && kind !== undefined && (action !== 'COMMENTED' || commentAdded)) {
    rows.push({ table: 'pull_request_events', row: eventRow('datacenter', record, { repository, number, at, kind, actor: data['user'], isAuthor: null, isBot: null, origin: 'activity' }) });
  }
  if (action === 'COMMENTED' && comment !== undefined && data['commentAction'] !== 'DELETED') {
    const id = str(comment['id']);
    rows.push({
      table: 'pull_request_comments',
      row: {
        source: 'datacenter',
        key: `${prKey(repository, number)}:${id}`,
        pull_request_key: prKey(repository, number),
        repository_id: repository,
        comment_id: id,
        parent_id: str(path(data, 'commentAnchor', 'parentId')),
        author_id: userId('datacenter', comment['author']),
        body: str(comment['text']),
        file_path: str(path(data, 'commentAnchor', 'path')),
        created_at: isoTime(comment['createdDate']),
        updated_at: isoTime(comment['updatedDate']),
        is_deleted: 0,
        synced_at: record.synced_at,
        raw: JSON.stringify(comment),
      },
    });
  }
  const mergeCommit = action === 'MERGED' ? str(path(data, 'commit', 'id')) : null;
  if (mergeCommit !== null) {
    // The merge commit is on the activity, not the pull request: recorded for the post-load fix-up.
    rows.push({ table: '_merge_commits', row: { pull_request_key: prKey(repository, number), merge_commit: mergeCommit, at } });
  }
  return { rows, users: users('datacenter', record.synced_at, data['user'], comment?.['author']) };
}

function cloudComment(record: RecordEnvelope, data: Json): Mapped {
  const repository = repositoryOf(record, data);
  return {
    rows: [
      {
        table: 'pull_request_comments',
        row: {
          ...base('cloud', record),
          pull_request_key: prKey(repository, data['pull_request_id'] ?? path(data, 'pullrequest', 'id')),
          repository_id: repository,
          comment_id: str(data['id']),
          parent_id: str(path(data, 'parent', 'id')),
          author_id: userId('cloud', data['user']),
          body: str(path(data, 'content', 'raw')),
          file_path: str(path(data, 'inline', 'path')),
          created_at: isoTime(data['created_on']),
          updated_at: isoTime(data['updated_on']),
          is_deleted: bool(data['deleted']) ?? 0,
          ...tail(record),
        },
      },
    ],
    users: users('cloud', record.synced_at, data['user']),
  };
}

function cloudPipeline(record: RecordEnvelope, data: Json): Mapped {
  return {
    rows: [
      {
        table: 'pipelines',
        row: {
          ...base('cloud', record),
          repository_id: repositoryOf(record, data),
          pipeline_id: str(data['uuid']),
          build_number: int(data['build_number']),
          state: str(path(data, 'state', 'name')),
          result: str(path(data, 'state', 'result', 'name')) ?? str(path(data, 'state', 'stage', 'name')),
          ref_name: str(path(data, 'target', 'ref_name')),
          commit_hash: str(path(data, 'target', 'commit', 'hash')),
          trigger: str(path(data, 'trigger', 'name')),
          creator_id: userId('cloud', data['creator']),
          created_at: isoTime(data['created_on']),
          completed_at: isoTime(data['completed_on']),
          duration_seconds: int(data['duration_in_seconds']),
          ...tail(record),
        },
      },
    ],
    users: users('cloud', record.synced_at, data['creator']),
  };
}

function repository(source: Source, record: RecordEnvelope, data: Json): Mapped {
  const cloud = source === 'cloud';
  const projectKey = str(path(data, 'project', 'key'));
  const slug = str(data['slug']);
  return {
    rows: [
      {
        table: 'repositories',
        row: {
          ...base(source, record),
          repository_id: record.key,
          project_key: projectKey,
          slug,
          name: str(data['name']),
          full_name: cloud ? str(data['full_name']) : projectKey !== null && slug !== null ? `${projectKey}/${slug}` : null,
          default_branch: cloud ? str(path(data, 'mainbranch', 'name')) : (str(data['defaultBranch']) ?? str(path(data, 'defaultBranchRef', 'displayId'))),
          url: cloud ? str(path(data, 'links', 'html', 'href')) : str(path((path(data, 'links', 'self') as unknown[] | undefined)?.[0], 'href')),
          created_at: cloud ? isoTime(data['created_on']) : null,
          updated_at: cloud ? isoTime(data['updated_on']) : null,
          ...tail(record),
        },
      },
    ],
    users: [],
  };
}

/** `deployments` (both sources; the shape is shared). */
function deployment(source: Source, record: RecordEnvelope, data: Json): Mapped {
  return {
    rows: [
      {
        table: 'deployments',
        row: {
          ...base(source, record),
          repository_id: str(data['repository']) ?? repositoryOf(record, data),
          environment: str(data['environment']),
          environment_type: str(data['environment_type'])?.toLowerCase() ?? null,
          state: str(data['state'])?.toUpperCase() ?? null,
          started_at: isoTime(data['started_on']),
          completed_at: isoTime(data['completed_on']),
          commit_hash: str(data['commit']),
          pipeline: str(data['pipeline']) ?? str(path(data, 'pipeline', 'uuid')),
          origin: str(data['origin']),
          rule: str(data['rule']),
          ...tail(record),
        },
      },
    ],
    users: [],
  };
}

/** `pull_request_events` (both sources; the shape is shared). */
function prEvent(source: Source, record: RecordEnvelope, data: Json): Mapped {
  const repository = str(data['repository']) ?? repositoryOf(record, data);
  const actor = data['actor'];
  return {
    rows: [
      {
        table: 'pull_request_events',
        row: eventRow(source, record, {
          repository,
          number: data['pull_request'],
          at: isoTime(data['at']),
          kind: str(data['kind']) ?? 'unknown',
          actor,
          isAuthor: bool(data['is_author']),
          isBot: bool(data['is_bot']),
          origin: 'events',
        }),
      },
    ],
    users: obj(actor) ? users(source, record.synced_at, actor) : [],
  };
}

/** The streams the dataset reads, per source; any other stream is skipped. */
export const STREAM_TABLES: Readonly<Record<Source, Readonly<Record<string, string>>>> = {
  cloud: {
    repositories: 'repositories',
    workspace_members: 'users',
    pull_requests: 'pull_requests',
    pull_request_activity: 'pull_request_events',
    pull_request_comments: 'pull_request_comments',
    pull_request_commits: 'pull_request_commits',
    commits: 'commits',
    commit_details: 'commits',
    pipelines: 'pipelines',
    deployments: 'deployments',
    pull_request_events: 'pull_request_events',
  },
  datacenter: {
    repositories: 'repositories',
    users: 'users',
    pull_requests: 'pull_requests',
    pull_request_activities: 'pull_request_events',
    pull_request_commits: 'pull_request_commits',
    commits: 'commits',
    deployments: 'deployments',
    pull_request_events: 'pull_request_events',
  },
};

export interface MapOptions {
  readonly source: Source;
  /** Derive `pull_request_events` from the activity streams (when the snapshot has no `pull_request_events`). */
  readonly deriveEvents: boolean;
}

/** Maps one live record (not a deletion marker) to rows. Unknown streams map to nothing. */
export function mapRecord(record: RecordEnvelope, options: MapOptions): Mapped {
  const data = obj(record.data);
  if (data === undefined) return EMPTY;
  const { source } = options;
  switch (record.stream) {
    case 'repositories':
      return repository(source, record, data);
    case 'workspace_members': {
      const row = userRow('cloud', data['user'], record.synced_at);
      return row ? { rows: [{ table: 'users', row: { ...row, raw: JSON.stringify(data) } }], users: [] } : EMPTY;
    }
    case 'users': {
      const row = userRow('datacenter', data, record.synced_at);
      return row ? { rows: [{ table: 'users', row }], users: [] } : EMPTY;
    }
    case 'pull_requests':
      return source === 'cloud' ? cloudPullRequest(record, data) : dataCenterPullRequest(record, data);
    case 'pull_request_activity':
      return cloudActivity(record, data, options.deriveEvents);
    case 'pull_request_activities':
      return dataCenterActivity(record, data, options.deriveEvents);
    case 'pull_request_comments':
      return cloudComment(record, data);
    case 'pull_request_commits':
      return commitRow(source, record, data, 'pull_request_commits');
    case 'commits':
    case 'commit_details':
      return commitRow(source, record, data, 'commits');
    case 'pipelines':
      return cloudPipeline(record, data);
    case 'deployments':
      return deployment(source, record, data);
    case 'pull_request_events':
      return prEvent(source, record, data);
    default:
      return EMPTY;
  }
}

/** Which source wrote a snapshot, from the streams it holds (and, for shared names, a record's shape). */
export function detectSource(streams: readonly string[], sample?: unknown): Source | undefined {
  if (streams.some((s) => s === 'pull_request_activity' || s === 'workspace_members' || s === 'pipelines' || s === 'commit_details')) return 'cloud';
  if (streams.some((s) => s === 'pull_request_activities' || s === 'projects' || s === 'users')) return 'datacenter';
  const data = obj(sample);
  if (data === undefined) return undefined;
  if ('uuid' in data || 'created_on' in data || 'repository_uuid' in data) return 'cloud';
  if ('createdDate' in data || 'repositoryId' in data || 'scmId' in data) return 'datacenter';
  return undefined;
}
