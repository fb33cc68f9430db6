/**
 * Withdrawn approvals: Bitbucket's activity log drops an approval once it is withdrawn (and keeps only the
 * latest approval of a person), so an approval record written earlier must get a deletion marker. The cursor
 * remembers, per OPEN pull request, the approval item each person last gave; when the pull request's row is
 * read again and its participant is neither `approved` nor in `changes_requested` state (asking for changes
 * after approving leaves the approval in the log), the remembered item is deleted. (A withdrawal is seen when it bumps the pull request's `updated_on` or the pull
 * request changes otherwise; nothing else announces it.)
 */
import type { CloudActivity, CloudPullRequest } from '../../records.js';
import { activityItemKey } from './keys.js';

/** Pull request id → user UUID → activity item key of their approval. */
export type ApprovalsCursor = Readonly<Record<string, Readonly<Record<string, string>>>>;

interface Participant {
  readonly user?: { readonly uuid?: string } | null;
  readonly approved?: boolean;
  readonly state?: string | null;
}

export class ApprovalTracker {
  readonly #byPullRequest = new Map<string, Map<string, string>>();

  constructor(previous: ApprovalsCursor | undefined) {
    for (const [id, approvals] of Object.entries(previous ?? {})) this.#byPullRequest.set(id, new Map(Object.entries(approvals)));
  }

  /**
   * Notes an approval item as the person's latest. An earlier one stays: a withdrawal removes only the latest
   * approval from the log (and where approving twice is possible, both show).
   */
  approved(pullRequestId: number, item: CloudActivity): void {
    const user = item.approval?.user?.uuid;
    if (user === undefined) return;
    const key = activityItemKey(item);
    const approvals = this.#byPullRequest.get(String(pullRequestId)) ?? new Map<string, string>();
    this.#byPullRequest.set(String(pullRequestId), approvals);
    const previous = approvals.get(user);
    // The feed is newest first: keep the latest date.
    if (previous === undefined || previous < key) approvals.set(user, key);
  }

  /** The item keys of approvals the pull request's participants no longer show; forgets closed pull requests. */
  withdrawn(pullRequest: CloudPullRequest & { readonly participants?: readonly Participant[] }): string[] {
    const id = String(pullRequest.id);
    const approvals = this.#byPullRequest.get(id);
    if (approvals === undefined) return [];
    // Still there: approving, or since asking for changes (which leaves the approval in the log).
    const kept = new Set(
      (pullRequest.participants ?? []).filter((p) => p.approved === true || p.state === 'changes_requested').map((p) => p.user?.uuid),
    );
    const gone: string[] = [];
    for (const [user, key] of approvals) {
      if (kept.has(user)) continue;
      gone.push(key);
      approvals.delete(user);
    }
    if (pullRequest.state !== undefined && pullRequest.state !== 'OPEN') this.#byPullRequest.delete(id);
    return gone;
  }

  toCursor(): ApprovalsCursor {
    const out: Record<string, Record<string, string>> = {};
    for (const [id, approvals] of this.#byPullRequest) if (approvals.size > 0) out[id] = Object.fromEntries(approvals);
    return out;
  }
}
