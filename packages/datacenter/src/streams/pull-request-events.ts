/**
 * `pull_request_events`: a pull request's review timeline, derived from what the `pull_requests` definition
 * read in the run (no request of its own): the pull request (opened; draft when it is one), its activities
 * (COMMENTED with ADDED/REPLIED → commented, APPROVED → approved, UNAPPROVED → approval_withdrawn,
 * REVIEWED (needs work) → changes_requested, MERGED, DECLINED, REOPENED) and its commits (commit_pushed at the
 * commit's author date). Ids come from the activity ids, comment ids and commit hashes, so they are stable.
 * `ready_for_review` is not derivable: Data Center logs no activity for leaving draft.
 */
import { botMatcher, type PullRequestEventKind, type PullRequestEventRecord } from '@bbsync/core';
import type { DcActivity, DcCommit, DcEmbeddedUser, DcPullRequest } from '../api-types.js';

export const PULL_REQUEST_EVENTS = 'pull_request_events';

const BY_ACTION: Readonly<Record<string, PullRequestEventKind>> = {
  APPROVED: 'approved',
  UNAPPROVED: 'approval_withdrawn',
  REVIEWED: 'changes_requested',
  MERGED: 'merged',
  DECLINED: 'declined',
  REOPENED: 'reopened',
};

/** Builds the events of one pull request from its activities and commits. */
export function pullRequestEvents(
  repository: string,
  pullRequest: DcPullRequest,
  activities: readonly DcActivity[],
  commits: readonly DcCommit[],
  bots: readonly string[],
): PullRequestEventRecord[] {
  const isListedBot = botMatcher(bots);
  const author = pullRequest.author?.user?.slug;
  const out: PullRequestEventRecord[] = [];
  const push = (id: string, kind: PullRequestEventKind, at: number | undefined, user: DcEmbeddedUser | undefined) => {
    if (at === undefined || !Number.isFinite(at)) return;
    const actor = user?.slug ?? null;
    out.push({
      id,
      pull_request: pullRequest.id,
      repository,
      at: new Date(at).toISOString(),
      kind,
      actor,
      is_author: actor !== null && actor === author,
      is_bot: user?.type === 'SERVICE' || isListedBot(user?.slug, user?.name, user?.displayName, user?.emailAddress),
    });
  };
  push('opened', 'opened', pullRequest.createdDate, pullRequest.author?.user);
  if (pullRequest.draft === true) push('draft', 'draft', pullRequest.createdDate, pullRequest.author?.user);
  for (const activity of activities) {
    if (activity.action === 'COMMENTED') {
      if (activity.commentAction !== 'ADDED' && activity.commentAction !== 'REPLIED' && activity.commentAction !== undefined) continue;
      const id = activity.comment?.id ?? activity.id;
      push(`commented:${id}`, 'commented', activity.comment?.createdDate ?? activity.createdDate, activity.user);
      continue;
    }
    const kind = activity.action === undefined ? undefined : BY_ACTION[activity.action];
    if (kind !== undefined) push(`${kind}:${activity.id}`, kind, activity.createdDate, activity.user);
  }
  for (const commit of commits) push(`commit_pushed:${commit.id}`, 'commit_pushed', commit.authorTimestamp, commit.author);
  return out;
}
