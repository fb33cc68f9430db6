/** The control API: mutations of the simulated instance, stamped with the shared SimClock. */
import type { SimCredential, SimFaults } from '../api.js';
import { Rng } from '../rng.js';
import { LEVEL, type AccessToken, type AuthRegistry } from './auth.js';
import type { Dataset } from './dataset.js';
import { mutablePullRequest } from './derive.js';
import { logRows, resolveRevision } from './gitLog.js';
import { branchRef, displayIdOf, PR_STATES, type ActivityRecord, type CommentRecord, type PullRequestRecord, type RepositoryRecord, type UserRecord } from './model.js';
import type { TokenBuckets } from './rateLimit.js';
import type { Shapes } from './shapes.js';
import { renderTag } from './tags.js';
import type { DataCenterControl, PullRequestSelector, RepoSelector, ReviewStatus } from './types.js';

/** An activity before it gets its id and time. */
type ActivityDraft = ActivityRecord extends infer A ? (A extends ActivityRecord ? Omit<A, 'id' | 'createdDate'> : never) : never;

/** Run-time state the control API can change and the handlers read. */
export interface RuntimeState {
  maintenance: boolean;
  faults: SimFaults | undefined;
}

/** Raised for a control call that names something missing or asks for something impossible. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export function createControl(ds: Dataset, auth: AuthRegistry, shapes: () => Shapes, runtime: RuntimeState, buckets: TokenBuckets | undefined): DataCenterControl {
  const rng = new Rng(ds.seed).fork('control');
  const commits = ds.commits;
  const now = (): number => ds.clock.now();
  const commitNow = (): number => Math.floor(now() / 1000) * 1000;

  const repo = (o: RepoSelector): RepositoryRecord => {
    const r = ds.repository(o.projectKey, o.slug);
    if (!r) throw new ControlError(404, `Repository ${o.projectKey}/${o.slug} does not exist.`);
    return r;
  };
  const user = (slug: string | undefined, fallback: number): number => {
    if (slug === undefined) return fallback;
    const u = ds.user(slug);
    if (!u) throw new ControlError(404, `User ${slug} does not exist.`);
    return u.idx;
  };
  const anyUser = (): number => {
    const live = ds.users.filter((u) => u.idx > 0 && !u.deleted);
    return live.length > 0 ? rng.pick(live).idx : 0;
  };
  const pullRequest = (o: PullRequestSelector): { r: RepositoryRecord; pr: PullRequestRecord } => {
    const r = repo(o);
    const row = r.pullRequests.find((p) => ds.pullRequests.localId.get(p) === o.id);
    if (row === undefined) throw new ControlError(404, `Pull request ${o.id} does not exist in ${o.projectKey}/${o.slug}.`);
    return { r, pr: mutablePullRequest(ds, row) };
  };
  /** Records a change: activity appended, updatedDate bumped, columns kept in sync. */
  const touch = (pr: PullRequestRecord, activity?: ActivityDraft): void => {
    const t = now();
    if (activity) pr.activities.push({ ...activity, id: ds.nextActivityId++, createdDate: t } as ActivityRecord);
    pr.updatedDate = Math.max(t, pr.updatedDate);
    const cols = ds.pullRequests;
    cols.updated.set(pr.row, pr.updatedDate);
    cols.state.set(pr.row, PR_STATES.indexOf(pr.state));
    cols.closed.set(pr.row, pr.closedDate ?? Number.NaN);
  };
  const addCommits = (r: RepositoryRecord, parent: number, count: number, author: number, message?: string): number[] => {
    const rows: number[] = [];
    const t = commitNow();
    for (let k = 0; k < count; k++) {
      const at = t - (count - 1 - k) * 1000;
      parent = commits.add(r, { parent1: parent, parent2: -1, author, committer: author, authorTime: at, commitTime: at, ...(message !== undefined ? { message: count > 1 ? `${message} (${k + 1}/${count})` : message } : {}) });
      rows.push(parent);
    }
    return rows;
  };
  const newestFirst = (rows: number[]): ReturnType<Shapes['commit']>[] => [...rows].reverse().map((row) => shapes().commit(row));
  /** Garbage-collects rows no branch and no open pull request reaches any more. */
  const collect = (r: RepositoryRecord, candidates: number[]): void => {
    const reachable = new Set<number>();
    for (const tip of r.branches.values()) for (const row of logRows(ds, r, tip, -1)) reachable.add(row);
    for (const row of candidates) if (!reachable.has(row)) commits.alive.set(row, 0);
  };

  const control: DataCenterControl = {
    pushCommits(o) {
      const r = repo(o);
      const ref = branchRef(o.branch ?? displayIdOf(r.defaultBranch));
      const tip = r.branches.get(ref) ?? -1;
      const author = user(o.author, anyUser());
      const rows = addCommits(r, tip, Math.max(o.merge ? 0 : 1, o.count ?? 1), author, o.message);
      if (o.merge) {
        const head = rows[rows.length - 1] ?? tip;
        const forkPoint = head >= 0 && commits.parent1.get(head) >= 0 ? commits.parent1.get(head) : head;
        const side = addCommits(r, forkPoint, 1, anyUser(), 'Work on a side branch')[0] as number;
        rows.push(side);
        const t = commitNow();
        rows.push(commits.add(r, { parent1: head, parent2: side, author, committer: author, authorTime: t, commitTime: t, message: `Merge branch 'topic' into ${displayIdOf(ref)}` }));
      }
      r.branches.set(ref, rows[rows.length - 1] as number);
      return newestFirst(rows);
    },

    forcePush(o) {
      const r = repo(o);
      const ref = branchRef(o.branch ?? displayIdOf(r.defaultBranch));
      const tip = r.branches.get(ref);
      if (tip === undefined) throw new ControlError(404, `Branch ${ref} does not exist in ${o.projectKey}/${o.slug}.`);
      let base = tip;
      for (let k = 0; k < o.drop && base >= 0; k++) base = commits.parent1.get(base);
      const dropped = logRows(ds, r, tip, base);
      const added = addCommits(r, base, Math.max(0, o.add ?? 1), anyUser(), 'Rewritten history');
      const newTip = added[added.length - 1] ?? base;
      if (newTip >= 0) r.branches.set(ref, newTip);
      else r.branches.delete(ref);
      if (!o.keepObjects) collect(r, dropped);
      return { dropped: dropped.map((row) => commits.hash(row)), added: newestFirst(added) };
    },

    setDefaultBranch(o) {
      const r = repo(o);
      r.defaultBranch = branchRef(o.branch);
      return shapes().minimalRef(r.defaultBranch);
    },

    createBranch(o) {
      const r = repo(o);
      const from = o.from === undefined ? ds.defaultTip(r) : resolveRevision(ds, r, o.from);
      if (from < 0) throw new ControlError(404, `Revision ${o.from ?? r.defaultBranch} does not exist.`);
      r.branches.set(branchRef(o.branch), from);
    },

    createProject(o) {
      const key = o.key.toUpperCase();
      if (ds.project(key)) throw new ControlError(409, `Project ${key} already exists.`);
      const idx = ds.projects.length;
      const id = Math.max(0, ...ds.projects.map((p) => p.id)) + 1;
      ds.projects.push({ idx, id, key, name: o.name ?? key, description: `Repositories of ${o.name ?? key}`, restricted: o.restricted ?? false, writers: new Set(), deleted: false });
      ds.invalidate();
      return shapes().project(ds.projects[idx] as (typeof ds.projects)[number]);
    },

    createRepository(o) {
      const project = ds.project(o.projectKey);
      if (!project) throw new ControlError(404, `Project ${o.projectKey} does not exist.`);
      const slug = o.name.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-');
      if (ds.repository(project.key, slug)) throw new ControlError(409, `Repository ${project.key}/${slug} already exists.`);
      const idx = ds.repositories.length;
      const id = Math.max(0, ...ds.repositories.map((r) => r.id)) + 1;
      const r: RepositoryRecord = { idx, id, projectIdx: project.idx, slug, name: o.name, hierarchyId: rng.hex(20), defaultBranch: 'refs/heads/main', generatedDefaultBranch: 'refs/heads/main', commits: [], branches: new Map(), pullRequests: [], nextPullRequestId: 1, deleted: false };
      ds.repositories.push(r);
      ds.invalidate();
      if ((o.commits ?? 0) > 0) r.branches.set(r.defaultBranch, addCommits(r, -1, o.commits ?? 0, anyUser(), 'Initial commit').pop() as number);
      return shapes().repository(r);
    },

    deleteRepository(o) {
      repo(o).deleted = true;
      ds.invalidate();
    },

    deleteProject(o) {
      const project = ds.project(o.projectKey);
      if (!project) throw new ControlError(404, `Project ${o.projectKey} does not exist.`);
      for (const r of ds.repositoriesOf(project)) r.deleted = true;
      project.deleted = true;
      ds.invalidate();
    },

    openPullRequest(o) {
      const r = repo(o);
      const project = ds.projects[r.projectIdx];
      const base = ds.defaultTip(r);
      if (base < 0 || !project) throw new ControlError(409, `Repository ${o.projectKey}/${o.slug} has no default branch to merge into.`);
      const author = user(o.author, anyUser());
      const localId = r.nextPullRequestId++;
      const fromBranch = o.fromBranch ?? `feature/${project.key}-${100 + localId}-control`;
      const prCommits = addCommits(r, base, Math.max(1, o.commits ?? 1), author);
      // A fork's branch lives in the fork, not here.
      if (o.fromFork !== true) r.branches.set(branchRef(fromBranch), prCommits[prCommits.length - 1] as number);
      const t = now();
      const row = ds.pullRequests.add({ repo: r.idx, localId, state: 'OPEN', author, created: t, updated: t, closed: Number.NaN, commitFirst: prCommits[0] as number, commitCount: prCommits.length, mergeCommit: -1 });
      r.pullRequests.push(row);
      const reviewers = [...new Set((o.reviewers ?? []).map((slug) => user(slug, 0)))].filter((u) => u !== author).map((u) => ({ user: u, status: 'UNAPPROVED' as const, lastReviewedCommit: -1 }));
      const pr: PullRequestRecord = {
        row, repo: r.idx, id: localId, title: o.title ?? `Change ${localId}`, description: o.description ?? '', state: 'OPEN', author, createdDate: t, updatedDate: t, closedDate: undefined, version: 0,
        fromBranch, toBranch: displayIdOf(r.defaultBranch), commits: prCommits, toCommitAtClose: -1, commitsGone: false, reviewers, participants: [], comments: new Map(),
        activities: [{ id: ds.nextActivityId++, createdDate: t, user: author, action: 'OPENED' }],
        ...(o.fromFork === true ? { fromFork: true } : {}),
      };
      ds.pullRequests.records.set(row, pr);
      return shapes().pullRequest(pr);
    },

    updatePullRequest(o) {
      const { r, pr } = pullRequest(o);
      const actor = user(o.user, pr.author);
      const added: number[] = [];
      const removed: number[] = [];
      for (const slug of o.addReviewers ?? []) {
        const u = user(slug, 0);
        if (!pr.reviewers.some((x) => x.user === u)) {
          pr.reviewers.push({ user: u, status: 'UNAPPROVED', lastReviewedCommit: -1 });
          pr.participants = pr.participants.filter((p) => p.user !== u);
          added.push(u);
        }
      }
      for (const slug of o.removeReviewers ?? []) {
        const u = user(slug, 0);
        if (pr.reviewers.some((x) => x.user === u)) {
          pr.reviewers = pr.reviewers.filter((x) => x.user !== u);
          removed.push(u);
        }
      }
      if (o.title !== undefined) pr.title = o.title;
      if (o.description !== undefined) pr.description = o.description;
      if (added.length > 0 || removed.length > 0 || o.title !== undefined || o.description !== undefined) {
        pr.version++;
        touch(pr, { user: actor, action: 'UPDATED', addedReviewers: added, removedReviewers: removed });
      }
      const base = commits.parent1.get(pr.commits[0] ?? -1);
      if (o.rewriteSource) {
        const old = pr.commits;
        const fresh = addCommits(r, base, Math.max(1, o.pushCommits ?? old.length), pr.author, 'Rewritten change');
        r.branches.set(branchRef(pr.fromBranch), fresh[fresh.length - 1] as number);
        if (pr.state === 'OPEN') {
          pr.commits = fresh;
          touch(pr, { user: actor, action: 'RESCOPED', fromCommit: fresh[fresh.length - 1] as number, previousFromCommit: old[old.length - 1] ?? -1, toCommit: ds.defaultTip(r), previousToCommit: ds.defaultTip(r), added: fresh, removed: old });
        } else {
          pr.commitsGone = true;
          touch(pr);
        }
        collect(r, old);
      } else if ((o.pushCommits ?? 0) > 0) {
        if (pr.state !== 'OPEN') throw new ControlError(409, `Pull request ${pr.id} is ${pr.state}; push to an open pull request.`);
        const previous = pr.commits[pr.commits.length - 1] ?? base;
        const fresh = addCommits(r, previous, o.pushCommits ?? 0, pr.author);
        pr.commits = [...pr.commits, ...fresh];
        r.branches.set(branchRef(pr.fromBranch), fresh[fresh.length - 1] as number);
        touch(pr, { user: actor, action: 'RESCOPED', fromCommit: fresh[fresh.length - 1] as number, previousFromCommit: previous, toCommit: ds.defaultTip(r), previousToCommit: ds.defaultTip(r), added: fresh, removed: [] });
      }
      return shapes().pullRequest(pr);
    },

    reviewPullRequest(o) {
      const { pr } = pullRequest(o);
      const u = user(o.user, 0);
      if (u === pr.author) throw new ControlError(409, 'Authors cannot review their own pull request.');
      let entry = pr.reviewers.find((x) => x.user === u) ?? pr.participants.find((x) => x.user === u);
      if (!entry) {
        entry = { user: u, status: 'UNAPPROVED', lastReviewedCommit: -1 };
        pr.participants.push(entry);
      }
      const previous = entry.status;
      entry.status = o.status;
      entry.lastReviewedCommit = pr.commits[pr.commits.length - 1] ?? -1;
      const action = o.status === 'APPROVED' ? 'APPROVED' : o.status === 'NEEDS_WORK' ? 'REVIEWED' : 'UNAPPROVED';
      if (previous !== o.status) touch(pr, { user: u, action });
      return shapes().pullRequest(pr);
    },

    approvePullRequest(o) {
      return control.reviewPullRequest({ ...o, status: 'APPROVED' as ReviewStatus });
    },

    commentPullRequest(o) {
      const { pr } = pullRequest(o);
      const u = user(o.user, pr.author);
      const t = now();
      if (o.delete !== undefined) {
        const comment = pr.comments.get(o.delete);
        if (!comment) throw new ControlError(404, `Comment ${o.delete} does not exist on pull request ${pr.id}.`);
        if (comment.replies.length > 0) throw new ControlError(409, 'This comment has replies which must be deleted first.');
        pr.comments.delete(comment.id);
        if (comment.parentId !== undefined) {
          const parent = pr.comments.get(comment.parentId);
          if (parent) parent.replies.splice(parent.replies.indexOf(comment.id), 1);
        }
        touch(pr, { user: comment.author, action: 'COMMENTED', commentAction: 'DELETED', commentId: comment.id, deleted: { ...comment, replies: [] } });
        return shapes().comment(pr, comment);
      }
      if (o.edit !== undefined) {
        const comment = pr.comments.get(o.edit);
        if (!comment) throw new ControlError(404, `Comment ${o.edit} does not exist on pull request ${pr.id}.`);
        const previousText = comment.text;
        comment.text = o.text ?? `${comment.text} (edited)`;
        comment.version++;
        comment.updatedDate = t;
        touch(pr, { user: comment.author, action: 'COMMENTED', commentAction: 'EDITED', commentId: comment.id, previousText });
        return shapes().comment(pr, comment);
      }
      if (o.replyTo !== undefined && !pr.comments.has(o.replyTo)) throw new ControlError(404, `Comment ${o.replyTo} does not exist on pull request ${pr.id}.`);
      const comment: CommentRecord = { id: ds.nextCommentId++, author: u, text: o.text ?? 'A comment from the control API.', createdDate: t, updatedDate: t, version: 0, parentId: o.replyTo, replies: [] };
      pr.comments.set(comment.id, comment);
      if (o.replyTo !== undefined) pr.comments.get(o.replyTo)?.replies.push(comment.id);
      if (u !== pr.author && !pr.reviewers.some((x) => x.user === u) && !pr.participants.some((x) => x.user === u)) pr.participants.push({ user: u, status: 'UNAPPROVED', lastReviewedCommit: -1 });
      touch(pr, { user: u, action: 'COMMENTED', commentAction: 'ADDED', commentId: comment.id });
      return shapes().comment(pr, comment);
    },

    mergePullRequest(o) {
      const { r, pr } = pullRequest(o);
      if (pr.state !== 'OPEN') throw new ControlError(409, `Pull request ${pr.id} is ${pr.state}.`);
      const u = user(o.user, pr.reviewers[0]?.user ?? pr.author);
      const targetRef = branchRef(pr.toBranch);
      const targetTip = r.branches.get(targetRef) ?? -1;
      const t = commitNow();
      const project = ds.projects[r.projectIdx];
      const merge = commits.add(r, { parent1: targetTip, parent2: pr.commits[pr.commits.length - 1] ?? -1, author: u, committer: u, authorTime: t, commitTime: t, mergedPullRequest: pr.row, message: `Merge pull request #${pr.id} in ${project?.key ?? ''}/${r.slug} from ${pr.fromBranch} to ${pr.toBranch}` });
      r.branches.set(targetRef, merge);
      r.branches.delete(branchRef(pr.fromBranch));
      ds.pullRequests.mergeCommit.set(pr.row, merge);
      pr.state = 'MERGED';
      pr.closedDate = now();
      pr.toCommitAtClose = targetTip;
      pr.version++;
      touch(pr, { user: u, action: 'MERGED', commit: merge });
      return shapes().pullRequest(pr);
    },

    declinePullRequest(o) {
      const { r, pr } = pullRequest(o);
      if (pr.state !== 'OPEN') throw new ControlError(409, `Pull request ${pr.id} is ${pr.state}.`);
      const u = user(o.user, pr.author);
      pr.state = 'DECLINED';
      pr.closedDate = now();
      pr.toCommitAtClose = r.branches.get(branchRef(pr.toBranch)) ?? -1;
      pr.version++;
      touch(pr, { user: u, action: 'DECLINED' });
      return shapes().pullRequest(pr);
    },

    reopenPullRequest(o) {
      const { pr } = pullRequest(o);
      if (pr.state !== 'DECLINED') throw new ControlError(409, `Only declined pull requests can be reopened; ${pr.id} is ${pr.state}.`);
      const u = user(o.user, pr.author);
      pr.state = 'OPEN';
      pr.closedDate = undefined;
      pr.version++;
      touch(pr, { user: u, action: 'REOPENED' });
      return shapes().pullRequest(pr);
    },

    addUser(o) {
      const slug = o.slug.toLowerCase();
      if (ds.user(slug)) throw new ControlError(409, `User ${slug} already exists.`);
      const idx = ds.users.length;
      const id = Math.max(0, ...ds.users.map((u) => u.id)) + 1;
      const password = o.password ?? `pw-${slug}-${rng.hex(8)}`;
      const record: UserRecord = { idx, id, name: slug, slug, displayName: o.displayName ?? slug, emailAddress: o.emailAddress ?? `${slug}@example.com`, password, sysAdmin: o.sysAdmin ?? false, deleted: false, ...(o.service === true ? { service: true } : {}) };
      ds.users.push(record);
      for (const key of o.projects ?? []) ds.project(key)?.writers.add(idx);
      const credential: SimCredential = { description: auth.labelForUser(idx), config: { username: slug, password }, scopes: record.sysAdmin ? ['SYS_ADMIN'] : ['LICENSED_USER'] };
      return { user: shapes().user(record), credential };
    },

    createTag(o) {
      const r = repo(o);
      const row = o.at === undefined ? ds.defaultTip(r) : resolveRevision(ds, r, o.at);
      if (row < 0) throw new ControlError(404, `No revision ${o.at ?? 'default branch'} in ${r.slug}.`);
      const tags = ds.tags.of(r);
      const existing = tags.findIndex((tag) => tag.name === o.name);
      if (existing >= 0) tags.splice(existing, 1);
      const tag = { name: o.name, commit: row, annotated: o.annotated ?? false };
      tags.push(tag);
      return renderTag(ds, r, tag);
    },

    deleteTag(o) {
      const tags = ds.tags.of(repo(o));
      const existing = tags.findIndex((tag) => tag.name === o.name);
      if (existing < 0) throw new ControlError(404, `No tag ${o.name}.`);
      tags.splice(existing, 1);
    },

    removeUser(o) {
      const u = ds.user(o.slug);
      if (!u) throw new ControlError(404, `User ${o.slug} does not exist.`);
      u.deleted = true;
    },

    createToken(o) {
      const secret = `BBDC-${Buffer.from(rng.hex(64), 'hex').toString('base64').replace(/[+/=]/g, '').slice(0, 40)}`;
      if (auth.tokens.some((t) => t.label === o.label)) throw new ControlError(409, `A token labelled ${o.label} exists.`);
      const projectLevel = o.projectPermission ? LEVEL[o.projectPermission] : 0;
      const repositoryLevel = o.repositoryPermission ? LEVEL[o.repositoryPermission] : 0;
      let token: AccessToken;
      if (o.kind === 'personal') {
        token = { label: o.label, secret, kind: 'personal', user: user(o.user, 0), projectLevel: o.projectPermission === undefined ? 1 : projectLevel, repositoryLevel: o.repositoryPermission === undefined ? 1 : repositoryLevel, revoked: false };
      } else if (o.kind === 'project') {
        const project = ds.project(o.projectKey ?? '');
        if (!project) throw new ControlError(404, `Project ${o.projectKey ?? ''} does not exist.`);
        token = { label: o.label, secret, kind: 'project', projectIdx: project.idx, projectLevel: o.projectPermission === undefined ? 1 : projectLevel, repositoryLevel, revoked: false };
      } else {
        const r = repo({ projectKey: o.projectKey ?? '', slug: o.slug ?? '' });
        token = { label: o.label, secret, kind: 'repository', repositoryIdx: r.idx, projectLevel: 0, repositoryLevel: o.repositoryPermission === undefined ? 1 : repositoryLevel, revoked: false };
      }
      auth.addToken(token);
      return { description: o.label, config: { accessToken: secret }, scopes: [o.kind, ...(o.projectPermission ? [o.projectPermission] : []), ...(o.repositoryPermission ? [o.repositoryPermission] : [])] };
    },

    revokeToken(o) {
      const token = auth.tokens.find((t) => t.label === o.label);
      if (!token) throw new ControlError(404, `No token labelled ${o.label}.`);
      token.revoked = true;
    },

    setMaintenance(o) {
      runtime.maintenance = o.on;
    },

    setFaults(o) {
      runtime.faults = o.faults;
    },

    resetRateLimits() {
      buckets?.reset();
    },
  };
  return control;
}
