/**
 * The Cloud control API: changes the world the way users of bitbucket.org would (pushes, force-pushes, pull
 * request activity, pipelines, members, renames, deletions, webhooks), so connectors can be tested on what
 * moves. Each change bumps `updated_on` fields the way the switches say, and fires webhooks.
 */
import type { SimFaults, SimSwitches } from '../api.js';
import { Rng } from '../rng.js';
import { resolveSwitches } from '../switches.js';
import { pullRequestEvents } from './model/activity.js';
import { commitHash, defaultBranchCommits, pipelineUuid, prBranch, prTitle } from './model/derive.js';
import { braceUuidOf, mixAll, plainUuidOf, saltOf } from './model/hash.js';
import { CommitKind, PIPELINE_RESULTS, PrState, type AddedEvent, type Member, type RepositoryState } from './model/store.js';
import { renderUser } from './render/accounts.js';
import type { RenderContext } from './render/context.js';
import { renderActivity, renderComment, renderPullRequest } from './render/pullrequest.js';
import { renderRepository } from './render/repository.js';
import type { CloudState } from './state.js';
import type { WebhookDelivery } from './webhooks.js';

/** A user reference: nickname, `{uuid}`, account id or member index. */
export type UserRef = string | number;

export type PipelineResult = 'SUCCESSFUL' | 'FAILED' | 'STOPPED' | 'ERROR' | 'EXPIRED';

/** The programmatic control surface (`handle.control`), also served over HTTP under `/_sim/cloud/`. */
export interface CloudControl {
  readonly workspace: string;
  /** Slugs of the live repositories, in creation order. */
  repositories(): string[];
  /** Advances the simulated clock (both APIs share it). */
  advance(ms: number): void;
  /** Pushes `count` commits to the default branch; `merge` adds a merge of a short side branch. Returns new hashes, oldest first. */
  pushCommits(repo: string, options?: { count?: number; merge?: boolean; author?: UserRef }): string[];
  /** Rewrites the default branch: drops the last `drop` first-parent commits and adds `add` new ones. */
  forcePush(repo: string, options: { drop: number; add?: number }): { removed: string[]; added: string[] };
  /** `fromFork`: the source branch lives in the author's fork (`source.repository` names the fork). */
  openPullRequest(repo: string, options?: { title?: string; description?: string; author?: UserRef; commits?: number; reviewers?: UserRef[]; fromFork?: boolean }): number;
  updatePullRequest(repo: string, id: number, options: { title?: string; description?: string; pushCommits?: number; user?: UserRef }): void;
  approvePullRequest(repo: string, id: number, user?: UserRef): void;
  unapprovePullRequest(repo: string, id: number, user?: UserRef): void;
  requestChanges(repo: string, id: number, user?: UserRef): void;
  /** Returns the new comment's id. */
  commentOnPullRequest(repo: string, id: number, options?: { text?: string; user?: UserRef; inline?: { path: string; to: number }; parentId?: number }): number;
  /**
   * Edits a comment's text (`updated_on` moves; `created_on` and the author stay) or, with `deleted`, deletes
   * it (it stays listed with `deleted: true`). Fires `pullrequest:comment_updated` / `comment_deleted`. Neither
   * bumps the pull request's `updated_on` (whether Bitbucket's does is unverified) nor adds an activity item.
   */
  editComment(repo: string, id: number, commentId: number, options: { text?: string; deleted?: boolean }): void;
  /** Merges with a merge commit on the default branch; returns its full hash. */
  mergePullRequest(repo: string, id: number, user?: UserRef): string;
  /** `closeSourceBranch`: the source branch is deleted with the decline (its commits are no longer listed). */
  declinePullRequest(repo: string, id: number, user?: UserRef, options?: { closeSourceBranch?: boolean }): void;
  /** Starts a pipeline on a branch (default branch by default); returns its `{uuid}`. */
  startPipeline(repo: string, options?: { branch?: string; state?: 'PENDING' | 'IN_PROGRESS' | 'PAUSED'; trigger?: 'PUSH' | 'MANUAL' }): string;
  finishPipeline(repo: string, uuid: string, result?: PipelineResult): void;
  /** Returns the new member's `{uuid}`. */
  addMember(options?: { displayName?: string; nickname?: string }): string;
  removeMember(user: UserRef): void;
  /** Returns the new slug. */
  renameRepository(repo: string, newName: string): string;
  deleteRepository(repo: string): void;
  /** Registers a workspace webhook (as POST /workspaces/{ws}/hooks would); returns its `{uuid}`. */
  registerWebhook(options: { url: string; events: readonly string[]; secret?: string; description?: string }): string;
  webhookDeliveries(): readonly WebhookDelivery[];
  /** Sends again every delivery not acknowledged with a 2xx (same X-Request-UUID, next attempt); returns how many. */
  redeliverWebhooks(): number;
  /** Waits for webhook deliveries in flight. */
  flushWebhooks(): Promise<void>;
  setSwitches(switches: Partial<SimSwitches>): void;
  setFaults(faults: SimFaults | undefined): void;
  /** Revokes a sample credential by name (it then answers 401). */
  revokeCredential(name: string): void;
  /** Forgets rate-limit history (every identity starts with a full budget). */
  resetRateLimits(): void;
}

export function createCloudControl(state: CloudState, ctx: () => RenderContext, advanceClock: (ms: number) => void): CloudControl {
  const data = state.data;
  const rng = new Rng(mixAll(data.seed, saltOf('control')));
  let lastEvent = 0;

  /** Event time: simulated now (µs), strictly increasing across control actions. */
  const eventTime = (): number => {
    lastEvent = Math.max(state.nowMicros(), lastEvent + 1000);
    return lastEvent;
  };
  const repoOf = (key: string): RepositoryState => {
    const repo = state.findRepository(key);
    if (!repo) throw new Error(`no repository '${key}' in workspace ${data.workspace.slug}`);
    return repo;
  };
  const memberOf = (ref: UserRef | undefined, fallback: () => number): number => {
    if (ref === undefined) return fallback();
    if (typeof ref === 'number') {
      if (!data.members[ref]) throw new Error(`no member #${ref}`);
      return ref;
    }
    const wanted = ref.toLowerCase();
    const member = data.members.find((m) => m.nickname.toLowerCase() === wanted || m.uuid.toLowerCase() === wanted || m.accountId.toLowerCase() === wanted);
    if (!member) throw new Error(`no member '${ref}'`);
    return member.index;
  };
  const randomMember = (): number => {
    const active = data.members.filter((m) => m.active);
    return (active[Math.floor(rng.next() * active.length)] ?? data.members[0] as Member).index;
  };
  const prOf = (repo: RepositoryState, id: number): number => {
    if (!Number.isInteger(id) || id < 1 || id > repo.pullRequests.length) throw new Error(`no pull request #${id} in ${repo.slug}`);
    return id - 1;
  };
  const addCommit = (repo: RepositoryState, parent1: number, parent2: number, author: number, kind: CommitKind, pr: number): number => {
    const now = Math.floor(state.clock.now() / 1000) * 1000;
    let time = now;
    if (parent1 >= 0) time = Math.max(time, repo.commits.time.get(parent1) + 1000);
    if (parent2 >= 0) time = Math.max(time, repo.commits.time.get(parent2) + 1000);
    return repo.commits.add(time, parent1, parent2, author, kind, pr);
  };
  const bumpRepositoryOnPush = (repo: RepositoryState): void => {
    if (state.switches.repositoryUpdatedOnBumpedBy !== 'nothing') repo.updatedOn = Math.max(repo.updatedOn, eventTime());
  };
  const bumpRepositoryOnPullRequest = (repo: RepositoryState, at: number): void => {
    if (state.switches.repositoryUpdatedOnBumpedBy === 'pushes_and_pull_requests') repo.updatedOn = Math.max(repo.updatedOn, at);
  };
  const addEvent = (repo: RepositoryState, index: number, event: AddedEvent, bumps: boolean): void => {
    const prs = repo.pullRequests;
    const list = prs.added.get(index) ?? [];
    list.push(event);
    prs.added.set(index, list);
    if (bumps) {
      prs.updated[index] = Math.max(prs.updated[index] as number, event.at);
      bumpRepositoryOnPullRequest(repo, event.at);
    }
    state.touch(repo);
  };
  const prPayload = (repo: RepositoryState, index: number, actor: number): Record<string, unknown> => {
    const c = ctx();
    return {
      actor: renderUser(c, data.members[actor] as Member),
      pullrequest: renderPullRequest(c, repo, index, pullRequestEvents(data, repo, index)),
      repository: renderRepository(c, repo),
    };
  };
  const emitPr = (event: string, repo: RepositoryState, index: number, actor: number, extra: Record<string, unknown> = {}): void => {
    if (state.webhooks.list().length === 0) return;
    state.webhooks.emit(event, { ...prPayload(repo, index, actor), ...extra }, repo.index);
  };
  const requireOpen = (repo: RepositoryState, index: number): void => {
    if (repo.pullRequests.state[index] !== PrState.Open) throw new Error(`pull request #${index + 1} in ${repo.slug} is not open`);
  };

  const control: CloudControl = {
    workspace: data.workspace.slug,
    repositories: () => data.repositories.filter((r) => !r.deleted).map((r) => r.slug),
    advance: (ms) => advanceClock(ms),

    pushCommits(repoKey, options = {}) {
      const repo = repoOf(repoKey);
      const count = Math.max(0, options.count ?? 1);
      const added: number[] = [];
      const merge = options.merge ?? (count >= 2 && rng.chance(0.3));
      for (let k = 0; k < count; k++) {
        const author = memberOf(options.author, randomMember);
        if (merge && k === count - 1 && repo.head >= 0) {
          // A short side branch merged without a pull request.
          const side = addCommit(repo, repo.head, -1, author, CommitKind.Side, 0);
          added.push(side);
          repo.head = addCommit(repo, repo.head, side, author, CommitKind.Merge, 0);
        } else {
          repo.head = addCommit(repo, repo.head, -1, author, CommitKind.Plain, 0);
        }
        added.push(repo.head);
      }
      bumpRepositoryOnPush(repo);
      state.touch(repo);
      if (state.webhooks.list().length > 0 && added.length > 0) {
        state.webhooks.emit('repo:push', { actor: renderUser(ctx(), data.members[repo.commits.author.get(repo.head)] as Member), repository: renderRepository(ctx(), repo), push: { changes: [{ new: { type: 'branch', name: repo.mainbranch, target: { type: 'commit', hash: commitHash(data, repo, repo.head) } } }] } }, repo.index);
      }
      return added.map((id) => commitHash(data, repo, id));
    },

    forcePush(repoKey, options) {
      const repo = repoOf(repoKey);
      const before = new Set(defaultBranchCommits(repo));
      let head = repo.head;
      for (let k = 0; k < options.drop && head >= 0; k++) {
        const parent = repo.commits.parent1.get(head);
        if (parent < 0) break;
        head = parent;
      }
      repo.head = head;
      const added: string[] = [];
      for (let k = 0; k < (options.add ?? 0); k++) {
        repo.head = addCommit(repo, repo.head, -1, randomMember(), CommitKind.Plain, 0);
        added.push(commitHash(data, repo, repo.head));
      }
      const after = new Set(defaultBranchCommits(repo));
      const removed = [...before].filter((id) => !after.has(id)).map((id) => commitHash(data, repo, id));
      bumpRepositoryOnPush(repo);
      state.touch(repo);
      return { removed, added };
    },

    openPullRequest(repoKey, options = {}) {
      const repo = repoOf(repoKey);
      const prs = repo.pullRequests;
      const index = prs.length;
      const author = memberOf(options.author, randomMember);
      const count = Math.max(1, options.commits ?? 2);
      let tip = repo.head;
      for (let k = 0; k < count; k++) tip = addCommit(repo, tip, -1, author, CommitKind.Side, index + 1);
      const created = eventTime();
      const reviewers = options.reviewers ? options.reviewers.map((r) => memberOf(r, randomMember)) : [randomMember()].filter((r) => r !== author);
      prs.state.push(PrState.Open);
      prs.author.push(author);
      prs.created.push(created);
      prs.updated.push(created);
      prs.closed.push(0);
      prs.closedBy.push(-1);
      prs.tip.push(tip);
      prs.dest.push(repo.head);
      prs.merge.push(-1);
      prs.salt.push(mixAll(data.seed, repo.key, index, saltOf('opened')) & 0x7fffffff);
      prs.closeSource.push(0);
      prs.commentBase.push(0);
      prs.generatedComments.push(0);
      prs.generated.push(0);
      prs.reviewers.push(reviewers);
      if (options.title !== undefined) prs.titles.set(index, options.title);
      if (options.description !== undefined) prs.descriptions.set(index, options.description);
      if (options.fromFork === true) prs.forks.add(index);
      bumpRepositoryOnPullRequest(repo, created);
      state.touch(repo);
      emitPr('pullrequest:created', repo, index, author);
      return index + 1;
    },

    updatePullRequest(repoKey, id, options) {
      const repo = repoOf(repoKey);
      const index = prOf(repo, id);
      requireOpen(repo, index);
      const prs = repo.pullRequests;
      const user = memberOf(options.user, () => prs.author[index] as number);
      const previousTitle = prTitle(repo, index);
      if (options.title !== undefined) prs.titles.set(index, options.title);
      if (options.description !== undefined) prs.descriptions.set(index, options.description);
      for (let k = 0; k < (options.pushCommits ?? 0); k++) prs.tip[index] = addCommit(repo, prs.tip[index] as number, -1, user, CommitKind.Side, index + 1);
      if ((options.pushCommits ?? 0) > 0) prs.dest[index] = repo.head;
      // Updates always move updated_on (the switch is only about comments and approvals).
      const retitled = options.title !== undefined && options.title !== previousTitle ? { title: options.title, previousTitle } : options.title !== undefined ? { title: options.title } : {};
      addEvent(repo, index, { kind: 'update', at: eventTime(), user, state: 'OPEN', ...retitled }, true);
      emitPr((options.pushCommits ?? 0) > 0 ? 'pullrequest:push' : 'pullrequest:updated', repo, index, user);
    },

    approvePullRequest(repoKey, id, userRef) {
      const repo = repoOf(repoKey);
      const index = prOf(repo, id);
      const user = memberOf(userRef, () => (repo.pullRequests.reviewers[index] as number[])[0] ?? randomMember());
      const approval: AddedEvent = { kind: 'approval', at: eventTime(), user };
      addEvent(repo, index, approval, state.switches.commentsBumpPullRequestUpdatedOn);
      // The payload's `approval` is the activity log's item for it.
      emitPr('pullrequest:approved', repo, index, user, { approval: renderActivity(ctx(), repo, index, approval)['approval'] });
    },

    unapprovePullRequest(repoKey, id, userRef) {
      const repo = repoOf(repoKey);
      const index = prOf(repo, id);
      const user = memberOf(userRef, () => (repo.pullRequests.reviewers[index] as number[])[0] ?? randomMember());
      // The payload names the approval withdrawn (the latest of this user), which leaves the activity log.
      const withdrawn = [...pullRequestEvents(data, repo, index)].reverse().find((event) => event.kind === 'approval' && event.user === user);
      addEvent(repo, index, { kind: 'unapproval', at: eventTime(), user }, state.switches.commentsBumpPullRequestUpdatedOn);
      emitPr('pullrequest:unapproved', repo, index, user, withdrawn === undefined ? {} : { approval: renderActivity(ctx(), repo, index, withdrawn)['approval'] });
    },

    requestChanges(repoKey, id, userRef) {
      const repo = repoOf(repoKey);
      const index = prOf(repo, id);
      const user = memberOf(userRef, () => (repo.pullRequests.reviewers[index] as number[])[0] ?? randomMember());
      const request: AddedEvent = { kind: 'changes_request', at: eventTime(), user };
      addEvent(repo, index, request, state.switches.commentsBumpPullRequestUpdatedOn);
      emitPr('pullrequest:changes_request_created', repo, index, user, { changes_request: renderActivity(ctx(), repo, index, request)['changes_request'] });
    },

    commentOnPullRequest(repoKey, id, options = {}) {
      const repo = repoOf(repoKey);
      const index = prOf(repo, id);
      const user = memberOf(options.user, randomMember);
      const commentId = data.nextCommentId++;
      const event: AddedEvent = {
        kind: 'comment',
        at: eventTime(),
        user,
        commentId,
        text: options.text ?? `Comment ${commentId}`,
        ...(options.inline ? { inline: options.inline } : {}),
        ...(options.parentId !== undefined ? { parentId: options.parentId } : {}),
      };
      addEvent(repo, index, event, state.switches.commentsBumpPullRequestUpdatedOn);
      if (state.webhooks.list().length > 0) emitPr('pullrequest:comment_created', repo, index, user, { comment: renderComment(ctx(), repo, index, event) });
      return commentId;
    },

    editComment(repoKey, id, commentId, options) {
      const repo = repoOf(repoKey);
      const index = prOf(repo, id);
      const event = pullRequestEvents(data, repo, index).find((e) => e.kind === 'comment' && e.commentId === commentId);
      if (!event) throw new Error(`no comment ${commentId} on pull request #${id} in ${repo.slug}`);
      const prs = repo.pullRequests;
      const previous = prs.commentChanges.get(commentId);
      if (previous?.deleted === true) throw new Error(`comment ${commentId} is deleted`);
      const deleted = options.deleted === true;
      const current = previous?.text ?? event.text ?? '';
      const text = deleted ? current : (options.text ?? `${current} (edited)`);
      prs.commentChanges.set(commentId, { text, at: eventTime(), deleted });
      state.touch(repo);
      if (state.webhooks.list().length > 0) {
        emitPr(deleted ? 'pullrequest:comment_deleted' : 'pullrequest:comment_updated', repo, index, event.user, { comment: renderComment(ctx(), repo, index, event) });
      }
    },

    mergePullRequest(repoKey, id, userRef) {
      const repo = repoOf(repoKey);
      const index = prOf(repo, id);
      requireOpen(repo, index);
      const prs = repo.pullRequests;
      const user = memberOf(userRef, () => (prs.reviewers[index] as number[])[0] ?? randomMember());
      const merge = addCommit(repo, repo.head, prs.tip[index] as number, user, CommitKind.Merge, index + 1);
      prs.dest[index] = repo.head;
      repo.head = merge;
      const at = eventTime();
      prs.keepSeed(index);
      prs.state[index] = PrState.Merged;
      prs.merge[index] = merge;
      prs.closed[index] = at;
      prs.closedBy[index] = user;
      addEvent(repo, index, { kind: 'update', at, user, state: 'MERGED' }, true);
      bumpRepositoryOnPush(repo);
      emitPr('pullrequest:fulfilled', repo, index, user);
      return commitHash(data, repo, merge);
    },

    declinePullRequest(repoKey, id, userRef, options = {}) {
      const repo = repoOf(repoKey);
      const index = prOf(repo, id);
      requireOpen(repo, index);
      const prs = repo.pullRequests;
      const user = memberOf(userRef, () => prs.author[index] as number);
      const at = eventTime();
      prs.keepSeed(index);
      prs.state[index] = PrState.Declined;
      if (options.closeSourceBranch === true) prs.closeSource[index] = 1;
      prs.closed[index] = at;
      prs.closedBy[index] = user;
      addEvent(repo, index, { kind: 'update', at, user, state: 'DECLINED' }, true);
      emitPr('pullrequest:rejected', repo, index, user);
    },

    startPipeline(repoKey, options = {}) {
      const repo = repoOf(repoKey);
      const p = repo.pipelines;
      let commit = repo.head;
      let pr = -1;
      if (options.branch !== undefined && options.branch !== repo.mainbranch) {
        const prs = repo.pullRequests;
        for (let i = 0; i < prs.length; i++) if (prBranch(repo, i) === options.branch) pr = i;
        if (pr < 0) throw new Error(`no branch '${options.branch}' in ${repo.slug}`);
        commit = prs.tip[pr] as number;
      }
      const last = p.length > 0 ? (p.created[p.length - 1] as number) : 0;
      p.created.push(Math.max(state.clock.now(), last + 1));
      p.completed.push(0);
      p.state.push(options.state === 'PENDING' ? 0 : options.state === 'PAUSED' ? 2 : 1);
      p.result.push(0);
      p.trigger.push(options.trigger === 'MANUAL' ? 1 : 0);
      p.commit.push(commit);
      p.pr.push(pr);
      p.creator.push(repo.commits.author.get(commit));
      state.touch(repo);
      return pipelineUuid(data, repo, p.length - 1);
    },

    finishPipeline(repoKey, uuid, result = 'SUCCESSFUL') {
      const repo = repoOf(repoKey);
      const p = repo.pipelines;
      const wanted = uuid.startsWith('{') ? uuid : `{${uuid}}`;
      for (let i = 0; i < p.length; i++) {
        if (pipelineUuid(data, repo, i) !== wanted) continue;
        p.state[i] = 3;
        p.result[i] = Math.max(1, PIPELINE_RESULTS.indexOf(result));
        p.completed[i] = Math.max(state.clock.now(), (p.created[i] as number) + 1);
        state.touch(repo);
        return;
      }
      throw new Error(`no pipeline ${uuid} in ${repo.slug}`);
    },

    addMember(options = {}) {
      const index = data.members.length;
      const displayName = options.displayName ?? `New Member ${index}`;
      const nickname = options.nickname ?? displayName.toLowerCase().replace(/[^a-z0-9]+/g, '');
      const member: Member = {
        index,
        uuid: braceUuidOf(data.seed, saltOf('user'), index),
        accountId: `557058:${plainUuidOf(data.seed, saltOf('account'), index)}`,
        displayName,
        nickname,
        email: `${nickname}@acme.example`,
        createdOn: eventTime(),
        isAdmin: false,
        active: true,
      };
      data.members.push(member);
      return member.uuid;
    },

    removeMember(user) {
      const member = data.members[memberOf(user, () => -1)];
      if (member) member.active = false;
    },

    renameRepository(repoKey, newName) {
      const repo = repoOf(repoKey);
      const slug = newName.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');
      if (data.repositories.some((r) => r !== repo && !r.deleted && r.slug === slug)) throw new Error(`slug '${slug}' is taken`);
      repo.name = newName;
      repo.slug = slug;
      repo.updatedOn = Math.max(repo.updatedOn, eventTime());
      state.touch(repo);
      return slug;
    },

    deleteRepository(repoKey) {
      const repo = repoOf(repoKey);
      repo.deleted = true;
      state.touch(repo);
    },

    registerWebhook(options) {
      return state.webhooks.register({ ...options, createdAt: eventTime() }).uuid;
    },
    webhookDeliveries: () => state.webhooks.deliveries(),
    flushWebhooks: () => state.webhooks.flush(),
    redeliverWebhooks: () => state.webhooks.redeliverFailed(),
    setSwitches(switches) {
      state.switches = resolveSwitches({ ...state.switches, ...switches });
    },
    setFaults(faults) {
      state.faults = faults;
    },
    revokeCredential(name) {
      const identity = state.credentials.byName(name);
      if (!identity) throw new Error(`no credential '${name}'`);
      identity.revoked = true;
    },
    resetRateLimits: () => state.limiter.reset(),
  };
  return control;
}
