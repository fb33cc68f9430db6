/**
 * `pull_request_events`: a pull request's review timeline, derived from what the run already read (no
 * request of its own): the pull request row (opened; draft when it is one), its activity items (comments,
 * approvals, change requests, merges and declines: `update` items whose state is MERGED or DECLINED) and its
 * commits (commit_pushed, at the commit's date: Bitbucket Cloud does not say when a commit was pushed).
 * Each event's id comes from the item it was derived from, so reading an item again rewrites the same event.
 * Bitbucket Cloud drops a withdrawn approval from the log (approvals.ts): its `approved` event is deleted with
 * it, and `approval_withdrawn` never appears on Cloud; `ready_for_review` is not derivable either.
 */
import { botMatcher, type PullRequestEventKind, type PullRequestEventRecord } from '@bbsync/core';
import type { RepositoryPartition } from '../../partition.js';
import type { CloudActivity, CloudCommit, CloudPullRequest, CloudUser } from '../../records.js';

export const PULL_REQUEST_EVENTS = 'pull_request_events';

/** Everything the run read about one pull request. */
export interface PullRequestReads {
  readonly items: CloudActivity[];
  readonly commits: CloudCommit[];
}

export class TimelineBuilder {
  readonly #isListedBot: ReturnType<typeof botMatcher>;
  readonly #reads = new Map<number, PullRequestReads>();

  constructor(bots: readonly string[]) {
    this.#isListedBot = botMatcher(bots);
  }

  #of(id: number): PullRequestReads {
    let reads = this.#reads.get(id);
    if (reads === undefined) this.#reads.set(id, (reads = { items: [], commits: [] }));
    return reads;
  }

  item(pullRequestId: number, item: CloudActivity): void {
    this.#of(pullRequestId).items.push(item);
  }

  commit(pullRequestId: number, commit: CloudCommit): void {
    this.#of(pullRequestId).commits.push(commit);
  }

  /** The events of a pull request from this run's reads. */
  events(partition: RepositoryPartition, pullRequest: CloudPullRequest): PullRequestEventRecord[] {
    const reads = this.#reads.get(pullRequest.id) ?? { items: [], commits: [] };
    const author = pullRequest.author?.uuid;
    const out: PullRequestEventRecord[] = [];
    const push = (id: string, kind: PullRequestEventKind, at: string | undefined, user: CloudUser | null | undefined, raw?: string) => {
      if (at === undefined) return;
      const actor = user?.uuid ?? null;
      out.push({
        id,
        pull_request: pullRequest.id,
        repository: partition.key,
        at,
        kind,
        actor,
        is_author: actor !== null && actor === author,
        is_bot: user?.type === 'app_user' || this.#isListedBot(user?.uuid, user?.account_id, user?.nickname, user?.display_name, raw),
      });
    };
    push('opened', 'opened', pullRequest.created_on, pullRequest.author);
    if (pullRequest.draft === true) push('draft', 'draft', pullRequest.created_on, pullRequest.author);
    for (const item of reads.items) {
      if (item.comment !== undefined) push(`commented:${item.comment.id}`, 'commented', item.comment.created_on, item.comment.user);
      else if (item.approval !== undefined) push(`approved:${item.approval.user?.uuid ?? ''}:${item.approval.date ?? ''}`, 'approved', item.approval.date, item.approval.user);
      else if ((item.changes_request ?? item.changes_requested) !== undefined) {
        const request = item.changes_request ?? item.changes_requested;
        push(`changes_requested:${request?.user?.uuid ?? ''}:${request?.date ?? ''}`, 'changes_requested', request?.date, request?.user);
      } else if (item.update?.state === 'MERGED' || item.update?.state === 'DECLINED') {
        const kind = item.update.state === 'MERGED' ? 'merged' : 'declined';
        push(`${kind}:${item.update.date ?? ''}`, kind, item.update.date, item.update.author);
      }
    }
    for (const commit of reads.commits) push(`commit_pushed:${commit.hash}`, 'commit_pushed', commit.date, commit.author?.user, commit.author?.raw);
    return out;
  }
}

/** The event id of an approval activity item key (`approval:<user>:<date>` → `approved:<user>:<date>`). */
export function approvalEventId(itemKey: string): string | undefined {
  return itemKey.startsWith('approval:') ? `approved:${itemKey.slice('approval:'.length)}` : undefined;
}
