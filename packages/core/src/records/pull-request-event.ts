/**
 * The review-timeline record both connectors write (`pull_request_events` stream): one event of a pull
 * request, derived from what the run already read (activity items, comments, commits, the pull request
 * itself), never from extra requests. Field names are a contract with the dataset.
 */

export type PullRequestEventKind =
  | 'opened'
  | 'draft'
  | 'ready_for_review'
  | 'commit_pushed'
  | 'commented'
  | 'approved'
  | 'approval_withdrawn'
  | 'changes_requested'
  | 'merged'
  | 'declined'
  | 'reopened';

export interface PullRequestEventRecord {
  /** Stable within the pull request: the kind and what it came from (`commented:<comment id>`, `commit_pushed:<hash>`...). */
  readonly id: string;
  readonly pull_request: number;
  /** The repository's partition key (Cloud: its `{uuid}`; Data Center: its numeric id). */
  readonly repository: string;
  /** ISO 8601. */
  readonly at: string;
  readonly kind: PullRequestEventKind;
  /** Who: a Cloud user `{uuid}`, a Data Center user slug; null when unknown (a commit by an unmapped email). */
  readonly actor: string | null;
  /** True when the actor is the pull request's author. */
  readonly is_author: boolean;
  /** True for bots: by account type where the API has one, or by the configured list. */
  readonly is_bot: boolean;
}

/** `repository:pull_request:id`. */
export function pullRequestEventKey(record: Pick<PullRequestEventRecord, 'repository' | 'pull_request' | 'id'>): string {
  return `${record.repository}:${record.pull_request}:${record.id}`;
}

/**
 * A bot list matcher: entries are compared case-insensitively with each of an actor's names (uuid, slug,
 * account id, display name, nickname, email).
 */
export function botMatcher(names: readonly string[]): (...candidates: readonly (string | null | undefined)[]) => boolean {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  return (...candidates) => candidates.some((candidate) => candidate !== undefined && candidate !== null && wanted.has(candidate.toLowerCase()));
}
