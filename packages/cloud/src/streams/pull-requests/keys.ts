/**
 * Output names and primary keys of the pull request outputs. Repository-scoped records carry
 * `repository_uuid` (added by bbsync; Bitbucket's comment and activity objects do not name their
 * repository), and children carry `pull_request_id`.
 */
import type { CloudActivity } from '../../records.js';

export const PULL_REQUESTS = 'pull_requests';
export const PULL_REQUEST_ACTIVITY = 'pull_request_activity';
export const PULL_REQUEST_COMMENTS = 'pull_request_comments';
export const PULL_REQUEST_COMMITS = 'pull_request_commits';
/** Commits a pull request names that no other stream gives (the source tip of a pull request whose branch is gone). */
export const COMMIT_DETAILS = 'commit_details';

export interface RepositoryScoped {
  readonly repository_uuid: string;
}

export interface PullRequestChild extends RepositoryScoped {
  readonly pull_request_id: number;
}

/** `repositoryUuid:id`. */
export function pullRequestKey(record: RepositoryScoped & { readonly id: number }): string {
  return `${record.repository_uuid}:${record.id}`;
}

/** `repositoryUuid:commentId` (comment ids are global on Bitbucket Cloud). */
export function commentKey(record: RepositoryScoped & { readonly id: number }): string {
  return `${record.repository_uuid}:${record.id}`;
}

/** `repositoryUuid:pullRequestId:hash`: one commit can belong to several pull requests. */
export function pullRequestCommitKey(record: PullRequestChild & { readonly hash: string }): string {
  return `${record.repository_uuid}:${record.pull_request_id}:${record.hash}`;
}

/**
 * Activity items have no id: a comment is its comment id; an approval, change request or update is who
 * and when (the date has microseconds, so two events of one person never share it).
 */
export function activityItemKey(item: CloudActivity): string {
  if (item.comment !== undefined) return `comment:${item.comment.id}`;
  if (item.approval !== undefined) return `approval:${item.approval.user?.uuid ?? ''}:${item.approval.date ?? ''}`;
  const request = item.changes_request ?? item.changes_requested;
  if (request !== undefined) return `changes_request:${request.user?.uuid ?? ''}:${request.date ?? ''}`;
  if (item.update !== undefined) return `update:${item.update.author?.uuid ?? ''}:${item.update.date ?? ''}`;
  return `other:${JSON.stringify(item).length}`;
}

/** `repositoryUuid:pullRequestId:itemKey`. */
export function activityKey(record: PullRequestChild & CloudActivity): string {
  return `${record.repository_uuid}:${record.pull_request_id}:${activityItemKey(record)}`;
}

/** The date that orders an activity item (comments: when created). */
export function activityDate(item: CloudActivity): string | undefined {
  return item.comment?.created_on ?? item.approval?.date ?? item.changes_request?.date ?? item.changes_requested?.date ?? item.update?.date;
}

/** The pull request an activity item belongs to. */
export function activityPullRequestId(item: CloudActivity): number | undefined {
  return item.pull_request?.id ?? item.comment?.pullrequest?.id;
}
