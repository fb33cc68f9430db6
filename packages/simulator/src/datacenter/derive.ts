/**
 * Full pull request records (reviewers, participants, comments, activities) derived from the seed and the pull
 * request's row on demand. The activity timeline is consistent with the row: it starts at `createdDate`, closes at
 * `closedDate`, and its last event happens exactly at `updatedDate`.
 */
import { Rng } from '../rng.js';
import { ID_STRIDE, type Dataset } from './dataset.js';
import { hashInts } from './hash.js';
import { displayIdOf, type ActivityRecord, type CommentRecord, type PullRequestRecord, type ReviewerRecord, type ReviewerStatus } from './model.js';
import { commentText, pullRequestBranch, pullRequestDescription, pullRequestTitle } from './names.js';

type Draft = { t: number; fixed: boolean; make: (id: number, t: number) => ActivityRecord; after?: () => void };

const cache = new WeakMap<Dataset, Map<number, PullRequestRecord>>();

/** The record of a pull request: the control API's copy if it changed one, else derived (and briefly cached). */
export function pullRequestRecord(ds: Dataset, row: number): PullRequestRecord {
  const stored = ds.pullRequests.records.get(row);
  if (stored) return stored;
  let recent = cache.get(ds);
  if (!recent) cache.set(ds, (recent = new Map()));
  let record = recent.get(row);
  if (!record) {
    record = derivePullRequest(ds, row);
    if (recent.size > 2048) recent.clear();
    recent.set(row, record);
  }
  return record;
}

/** Makes a pull request mutable: later reads see the stored record. */
export function mutablePullRequest(ds: Dataset, row: number): PullRequestRecord {
  const record = pullRequestRecord(ds, row);
  ds.pullRequests.records.set(row, record);
  return record;
}

function derivePullRequest(ds: Dataset, row: number): PullRequestRecord {
  const prs = ds.pullRequests;
  const commits = ds.commits;
  const rng = new Rng(hashInts(ds.seed, row, 0x9121));
  const repository = ds.repositories[prs.repo.get(row)];
  const project = repository ? ds.projects[repository.projectIdx] : undefined;
  if (!repository || !project) throw new Error(`pull request row ${row} has no repository`);
  const localId = prs.localId.get(row);
  const state = prs.stateOf(row);
  const author = prs.author.get(row);
  const created = prs.created.get(row);
  const updated = prs.updated.get(row);
  const closed = prs.closed.get(row);
  const first = prs.commitFirst.get(row);
  const prCommits: number[] = [];
  for (let c = 0; c < prs.commitCount.get(row); c++) prCommits.push(first + c);
  const tipOf = (): number => prCommits[prCommits.length - 1] ?? -1;
  const base = commits.parent1.get(first);
  const mergeCommit = prs.mergeCommit.get(row);
  const end = state === 'OPEN' ? updated : closed;
  // Opened and never touched again: no reviews or comments can have happened in between.
  const quiet = end - created < 1000;

  const others = ds.users.slice(0, ds.generatedUsers).map((u) => u.idx).filter((u) => u !== author && u !== 0);
  const reviewerCount = Math.min(others.length, rng.int(0, 3));
  const reviewerUsers: number[] = [];
  while (reviewerUsers.length < reviewerCount) {
    const u = rng.pick(others);
    if (!reviewerUsers.includes(u)) reviewerUsers.push(u);
  }
  const finalStatus = (): ReviewerStatus => {
    const r = rng.next();
    if (state === 'MERGED') return r < 0.8 ? 'APPROVED' : 'UNAPPROVED';
    if (state === 'DECLINED') return r < 0.4 ? 'NEEDS_WORK' : r < 0.7 ? 'APPROVED' : 'UNAPPROVED';
    return r < 0.4 ? 'APPROVED' : r < 0.6 ? 'NEEDS_WORK' : 'UNAPPROVED';
  };
  const reviewers: ReviewerRecord[] = reviewerUsers.map((user) => {
    const status = quiet ? 'UNAPPROVED' : finalStatus();
    return { user, status, lastReviewedCommit: status === 'UNAPPROVED' ? -1 : tipOf() };
  });

  // Chains of events in causal order; their times are drawn later and assigned in order.
  const chains: Draft[][] = [];
  const fixed: Draft[] = [];
  const comments = new Map<number, CommentRecord>();
  let commentSeq = 0;
  const newCommentId = (): number => row * ID_STRIDE + commentSeq++;
  const simple = (user: number, action: 'OPENED' | 'DECLINED' | 'REOPENED' | 'APPROVED' | 'UNAPPROVED' | 'REVIEWED'): Draft => ({ t: 0, fixed: false, make: (id, t) => ({ id, createdDate: t, user, action }) });

  // Late pushes to the source branch: RESCOPED at the commit's own time.
  for (let c = 1; c < prCommits.length; c++) {
    const commit = prCommits[c] as number;
    const at = commits.commitTime.get(commit);
    if (at <= created) continue;
    const previous = prCommits[c - 1] as number;
    fixed.push({ t: Math.min(Math.max(at, created + 1), end - 1), fixed: true, make: (id, t) => ({ id, createdDate: t, user: author, action: 'RESCOPED', fromCommit: commit, previousFromCommit: previous, toCommit: base, previousToCommit: base, added: [commit], removed: [] }) });
  }
  // A reviewer added after the pull request was opened.
  const lateReviewer = reviewers.length > 0 && rng.chance(0.3) ? (reviewers[reviewers.length - 1] as ReviewerRecord).user : -1;
  for (const reviewer of reviewers) {
    const chain: Draft[] = [];
    if (reviewer.user === lateReviewer && !quiet) chain.push({ t: 0, fixed: false, make: (id, t) => ({ id, createdDate: t, user: author, action: 'UPDATED', addedReviewers: [reviewer.user], removedReviewers: [] }) });
    if (reviewer.status === 'APPROVED') {
      if (rng.chance(0.25)) chain.push(simple(reviewer.user, 'REVIEWED'));
      chain.push(simple(reviewer.user, 'APPROVED'));
    } else if (reviewer.status === 'NEEDS_WORK') {
      chain.push(simple(reviewer.user, 'REVIEWED'));
    } else if (!quiet && rng.chance(0.2)) {
      chain.push(simple(reviewer.user, 'APPROVED'), simple(reviewer.user, 'UNAPPROVED'));
    }
    if (chain.length > 0) chains.push(chain);
  }
  const participantUsers = new Set<number>();
  const commenters = [author, ...reviewerUsers];
  const addComment = (chain: Draft[], user: number, parentId: number | undefined): CommentRecord => {
    const id = newCommentId();
    const comment: CommentRecord = { id, author: user, text: commentText(ds.seed, id), createdDate: 0, updatedDate: 0, version: 0, parentId, replies: [] };
    comments.set(id, comment);
    if (parentId !== undefined) comments.get(parentId)?.replies.push(id);
    if (user !== author && !reviewerUsers.includes(user)) participantUsers.add(user);
    chain.push({ t: 0, fixed: false, make: (activityId, t) => {
      comment.createdDate = comment.updatedDate = t;
      return { id: activityId, createdDate: t, user, action: 'COMMENTED', commentAction: 'ADDED', commentId: id };
    } });
    return comment;
  };
  const commentCount = quiet ? 0 : rng.int(0, 4);
  for (let k = 0; k < commentCount; k++) {
    const chain: Draft[] = [];
    const user = others.length > 0 && rng.chance(0.2) ? rng.pick(others) : rng.pick(commenters);
    const root = addComment(chain, user, undefined);
    if (rng.chance(0.3)) for (let r = rng.int(1, 2); r > 0; r--) addComment(chain, rng.pick(commenters), root.id);
    if (rng.chance(0.15)) {
      const previousText = root.text;
      const newText = `${root.text} (edited)`;
      chain.push({ t: 0, fixed: false, make: (id, t) => {
        root.text = newText;
        root.updatedDate = t;
        root.version += 1;
        return { id, createdDate: t, user: root.author, action: 'COMMENTED', commentAction: 'EDITED', commentId: root.id, previousText };
      } });
    }
    chains.push(chain);
  }
  if (!quiet && ((state === 'DECLINED' && rng.chance(0.15)) || (state === 'OPEN' && rng.chance(0.05)))) chains.push([simple(author, 'DECLINED'), simple(author, 'REOPENED')]);

  // Draw sorted times inside (created, end) and hand them out, interleaving the chains at random.
  const midCount = chains.reduce((n, c) => n + c.length, 0);
  const span = Math.max(0, end - created);
  const times = Array.from({ length: midCount }, () => created + 1 + Math.floor(rng.next() * Math.max(1, span - 2))).sort((a, b) => a - b);
  const timeline: Draft[] = [...fixed];
  const heads = chains.map(() => 0);
  for (const t of times) {
    const open = chains.map((c, k) => (heads[k] as number) < c.length ? k : -1).filter((k) => k >= 0);
    const k = rng.pick(open);
    const draft = (chains[k] as Draft[])[heads[k] as number] as Draft;
    heads[k] = (heads[k] as number) + 1;
    draft.t = t;
    timeline.push(draft);
  }
  timeline.sort((a, b) => a.t - b.t);
  timeline.unshift({ t: created, fixed: true, make: (id, t) => ({ id, createdDate: t, user: author, action: 'OPENED' }) });
  if (state === 'MERGED') {
    const merger = mergeCommit >= 0 ? Math.max(0, commits.author.get(mergeCommit)) : author;
    timeline.push({ t: closed, fixed: true, make: (id, t) => ({ id, createdDate: t, user: merger, action: 'MERGED', commit: mergeCommit }) });
  } else if (state === 'DECLINED') {
    timeline.push({ t: closed, fixed: true, make: (id, t) => ({ id, createdDate: t, user: reviewerUsers[0] ?? author, action: 'DECLINED' }) });
  }
  // The last event happens exactly at updatedDate.
  const last = timeline[timeline.length - 1] as Draft;
  if (updated > last.t) {
    if (state === 'OPEN' && timeline.length > 1) last.t = updated;
    else {
      const chain: Draft[] = [];
      addComment(chain, rng.pick(commenters), undefined);
      const draft = chain[0] as Draft;
      draft.t = updated;
      timeline.push(draft);
    }
  }
  const activities: ActivityRecord[] = timeline.slice(0, ID_STRIDE).map((draft, k) => draft.make(row * ID_STRIDE + k, Math.round(draft.t)));
  let version = 0;
  for (const a of activities) if (a.action === 'UPDATED' || a.action === 'DECLINED' || a.action === 'REOPENED' || a.action === 'MERGED') version++;

  return {
    row,
    repo: repository.idx,
    id: localId,
    title: pullRequestTitle(ds.seed, row, project.key, localId),
    description: pullRequestDescription(ds.seed, row),
    state,
    author,
    createdDate: created,
    updatedDate: updated,
    closedDate: Number.isNaN(closed) ? undefined : closed,
    version,
    fromBranch: pullRequestBranch(ds.seed, row, project.key, localId),
    toBranch: displayIdOf(repository.generatedDefaultBranch),
    commits: prCommits,
    toCommitAtClose: state === 'MERGED' && mergeCommit >= 0 ? commits.parent1.get(mergeCommit) : state === 'DECLINED' ? base : -1,
    commitsGone: false,
    reviewers,
    participants: [...participantUsers].map((user) => ({ user, status: 'UNAPPROVED' as const, lastReviewedCommit: -1 })),
    comments,
    activities,
  };
}
