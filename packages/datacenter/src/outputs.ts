/**
 * The output streams of the Data Center connector, their primary keys, and how API objects become records:
 * the object as the API sent it, plus the ids that place it (`repositoryId`, `pullRequestId`) and an ISO 8601
 * copy of each epoch-millisecond timestamp (`createdDate` → `createdDateIso`), the original kept as given.
 */
import { deploymentKey, pullRequestEventKey, type OutputSpec } from '@bbsync/core';

/** Every output stream, workspace streams first. */
export const DATA_CENTER_STREAM_NAMES = [
  'projects',
  'repositories',
  'users',
  'commits',
  'pull_requests',
  'pull_request_activities',
  'pull_request_commits',
  'pull_request_events',
  'deployments',
] as const;

/** The name of a Data Center output stream. */
export type DataCenterStreamName = (typeof DATA_CENTER_STREAM_NAMES)[number];

interface Keyed {
  readonly id: number | string;
  readonly repositoryId?: number;
  readonly pullRequestId?: number;
}

function idOf(record: Keyed): string {
  return String(record.id);
}

function inRepository(record: Keyed): string {
  return `${record.repositoryId}:${record.id}`;
}

function inPullRequest(record: Keyed): string {
  return `${record.repositoryId}:${record.pullRequestId}:${record.id}`;
}

/** Primary keys: numeric ids for projects, repositories and users; scoped by repository (and pull request) below. */
export const OUTPUTS = {
  projects: { name: 'projects', primaryKey: idOf },
  repositories: { name: 'repositories', primaryKey: idOf },
  users: { name: 'users', primaryKey: idOf },
  /** `repositoryId:commitId`. */
  commits: { name: 'commits', primaryKey: inRepository },
  /** `repositoryId:pullRequestId`. */
  pull_requests: { name: 'pull_requests', primaryKey: inRepository },
  /** `repositoryId:pullRequestId:activityId`. */
  pull_request_activities: { name: 'pull_request_activities', primaryKey: inPullRequest },
  /** `repositoryId:pullRequestId:commitId`. */
  pull_request_commits: { name: 'pull_request_commits', primaryKey: inPullRequest },
  /** `repository:pull_request:id` (opt-in: its first selection re-reads every pull request once). */
  pull_request_events: { name: 'pull_request_events', primaryKey: pullRequestEventKey as (record: Keyed) => string, optIn: true },
  /** `repository:id` (opt-in: it costs requests). */
  deployments: { name: 'deployments', primaryKey: deploymentKey as (record: Keyed) => string, optIn: true },
} as const satisfies Record<DataCenterStreamName, OutputSpec<Keyed>>;

/** Adds `<field>Iso` beside each epoch-millisecond field that holds a finite number. */
export function withIsoDates<T extends object>(object: T, fields: readonly string[]): T {
  const extra: Record<string, string> = {};
  for (const field of fields) {
    const value = (object as Record<string, unknown>)[field];
    if (typeof value === 'number' && Number.isFinite(value)) extra[`${field}Iso`] = new Date(value).toISOString();
  }
  return { ...object, ...extra };
}

export const COMMIT_DATES = ['authorTimestamp', 'committerTimestamp'] as const;
export const PULL_REQUEST_DATES = ['createdDate', 'updatedDate', 'closedDate'] as const;
export const ACTIVITY_DATES = ['createdDate'] as const;

/** A default-branch commit record. */
export function commitRecord(commit: object, repositoryId: number): object {
  return withIsoDates({ ...commit, repositoryId }, COMMIT_DATES);
}

/** A pull request record. */
export function pullRequestRecord(pullRequest: object, repositoryId: number): object {
  return withIsoDates({ ...pullRequest, repositoryId }, PULL_REQUEST_DATES);
}

/** A pull request activity record. */
export function activityRecord(activity: object, repositoryId: number, pullRequestId: number): object {
  return withIsoDates({ ...activity, repositoryId, pullRequestId }, ACTIVITY_DATES);
}

/** A pull request commit record. */
export function pullRequestCommitRecord(commit: object, repositoryId: number, pullRequestId: number): object {
  return withIsoDates({ ...commit, repositoryId, pullRequestId }, COMMIT_DATES);
}

/** The primary key of a default-branch commit, for deletion markers. */
export function commitKey(repositoryId: number, commitId: string): string {
  return `${repositoryId}:${commitId}`;
}
