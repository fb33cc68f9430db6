/**
 * Turns records into API shapes on demand. Links use the base URL the request arrived at
 * (`http://host:port/<context>`), as a server configured with that base URL would.
 */
import type { Dataset } from './dataset.js';
import { fileDiff } from './diffs.js';
import { commentAnchor, forkRepositoryId, isForkPullRequest, markupHtml, repositoryDescription, type CommentAnchor } from './fidelity.js';
import { hashInts } from './hash.js';
import { EXTERNAL_AUTHORS } from './words.js';
import { branchRef, displayIdOf, type ActivityRecord, type CommentRecord, type ProjectRecord, type PullRequestRecord, type RepositoryRecord, type ReviewerRecord, type UserRecord } from './model.js';
import { commitMessage, pullRequestBranch } from './names.js';
import type {
  RestApplicationUser, RestBranch, RestComment, RestCommit, RestMinimalCommit, RestMinimalRef, RestPerson, RestProject,
  RestPullRequest, RestPullRequestActivity, RestPullRequestParticipant, RestPullRequestRef, RestRepository,
} from './rest.js';

/** Per-request rendering options: `avatarSize` adds `avatarUrl` to people; `markup=true` adds HTML renderings. */
export interface ShapeOptions {
  readonly avatarSize?: number;
  readonly markup?: boolean;
}

/** Reads `avatarSize` and `markup` from a request's query. */
export function shapeOptionsOf(query: URLSearchParams): ShapeOptions {
  const size = Number(query.get('avatarSize'));
  return { ...(Number.isInteger(size) && size > 0 ? { avatarSize: size } : {}), ...(query.get('markup')?.toLowerCase() === 'true' ? { markup: true } : {}) };
}

/** Serializers bound to a dataset and a base URL (origin + context path). */
export class Shapes {
  constructor(
    private readonly ds: Dataset,
    private readonly base: string,
    private readonly options: ShapeOptions = {},
  ) {}

  /** Origin + context path, for links. */
  get baseUrl(): string {
    return this.base;
  }

  project(p: ProjectRecord): RestProject {
    return { key: p.key, id: p.id, name: p.name, description: p.description, public: false, type: 'NORMAL', links: { self: [{ href: `${this.base}/projects/${p.key}` }] } };
  }

  repository(r: RepositoryRecord): RestRepository {
    const project = this.ds.projects[r.projectIdx] as ProjectRecord;
    const host = new URL(this.base).host;
    const description = repositoryDescription(this.ds, r);
    return {
      slug: r.slug,
      id: r.id,
      name: r.name,
      ...(description !== undefined ? { description } : {}),
      hierarchyId: r.hierarchyId,
      scmId: 'git',
      state: 'AVAILABLE',
      statusMessage: 'Available',
      forkable: true,
      project: this.project(project),
      public: false,
      archived: false,
      links: {
        clone: [
          { href: `${this.base}/scm/${project.key.toLowerCase()}/${r.slug}.git`, name: 'http' },
          { href: `ssh://git@${host.replace(/:\d+$/, '')}:7999/${project.key.toLowerCase()}/${r.slug}.git`, name: 'ssh' },
        ],
        self: [{ href: `${this.base}/projects/${project.key}/repos/${r.slug}/browse` }],
      },
    };
  }

  user(u: UserRecord): RestApplicationUser {
    return {
      name: u.name,
      emailAddress: u.emailAddress,
      active: !u.deleted,
      displayName: u.displayName,
      id: u.id,
      slug: u.slug,
      type: u.service === true ? 'SERVICE' : 'NORMAL',
      ...this.avatar(`${this.base}/users/${u.slug}/avatar.png`),
      links: { self: [{ href: `${this.base}/users/${u.slug}` }] },
    };
  }

  /** `avatarUrl` when the request asked for `avatarSize` (users: their avatar; raw git identities: a gravatar). */
  private avatar(url: string): { avatarUrl?: string } {
    const size = this.options.avatarSize;
    return size === undefined ? {} : { avatarUrl: `${url}?s=${size}` };
  }

  /** The personal fork a fork pull request comes from; `origin` is the repository it was forked from. */
  forkRepository(pr: PullRequestRecord): RestRepository {
    const r = this.ds.repositories[pr.repo] as RepositoryRecord;
    const owner = this.ds.users[pr.author] as UserRecord;
    const key = `~${owner.slug.toUpperCase()}`;
    const host = new URL(this.base).host;
    const id = forkRepositoryId(pr);
    return {
      slug: r.slug,
      id,
      name: r.name,
      hierarchyId: r.hierarchyId,
      scmId: 'git',
      state: 'AVAILABLE',
      statusMessage: 'Available',
      forkable: true,
      origin: this.repository(r),
      project: { key, id: 100_000 + owner.id, name: owner.displayName, public: false, type: 'PERSONAL', owner: this.user(owner), links: { self: [{ href: `${this.base}/users/${owner.slug}` }] } },
      public: false,
      archived: false,
      links: {
        clone: [
          { href: `${this.base}/scm/${key.toLowerCase()}/${r.slug}.git`, name: 'http' },
          { href: `ssh://git@${host.replace(/:\d+$/, '')}:7999/${key.toLowerCase()}/${r.slug}.git`, name: 'ssh' },
        ],
        self: [{ href: `${this.base}/users/${owner.slug}/repos/${r.slug}/browse` }],
      },
    };
  }

  userAt(idx: number): RestApplicationUser {
    return this.user(this.ds.users[idx] as UserRecord);
  }

  /** A commit author: the linked user while they exist, else the raw git identity. */
  person(code: number): RestPerson | RestApplicationUser {
    if (code < 0) {
      const external = EXTERNAL_AUTHORS[-code - 1] ?? EXTERNAL_AUTHORS[0];
      return { name: external.name, emailAddress: external.emailAddress, ...this.avatar(`https://secure.gravatar.com/avatar/${hashInts(code).toString(16)}`) };
    }
    const user = this.ds.users[code] as UserRecord;
    if (user.deleted) return { name: user.displayName, emailAddress: user.emailAddress, ...this.avatar(`https://secure.gravatar.com/avatar/${hashInts(user.id).toString(16)}`) };
    return this.user(user);
  }

  minimalCommit(row: number): RestMinimalCommit {
    const id = this.ds.commits.hash(row);
    return { id, displayId: id.slice(0, 11) };
  }

  /** `fullParents`: parents as full commits (MERGED activities carry them so), else `{id, displayId}`. */
  commit(row: number, fullParents = false): RestCommit {
    const c = this.ds.commits;
    const parents: RestMinimalCommit[] = [];
    const parent = (p: number): RestMinimalCommit => (fullParents ? this.commit(p) : this.minimalCommit(p));
    if (c.parent1.get(row) >= 0) parents.push(parent(c.parent1.get(row)));
    if (c.parent2.get(row) >= 0) parents.push(parent(c.parent2.get(row)));
    return {
      ...this.minimalCommit(row),
      author: this.person(c.author.get(row)),
      authorTimestamp: c.authorTime.get(row),
      committer: this.person(c.committer.get(row)),
      committerTimestamp: c.commitTime.get(row),
      message: this.message(row),
      parents,
    };
  }

  message(row: number): string {
    const c = this.ds.commits;
    const custom = c.customMessages.get(row);
    if (custom !== undefined) return custom;
    const merged = c.mergedPullRequest.get(row);
    if (merged >= 0) {
      const repository = this.ds.repositories[c.repo.get(row)] as RepositoryRecord;
      const project = this.ds.projects[repository.projectIdx] as ProjectRecord;
      const pr = this.ds.pullRequests;
      const from = c.parent2.get(row);
      return `Merge pull request #${pr.localId.get(merged)} in ${project.key}/${repository.slug} from ${this.fromBranchOf(merged)} to ${displayIdOf(repository.generatedDefaultBranch)}\n\n* commit '${from >= 0 ? c.hash(from) : ''}':\n  ${from >= 0 ? commitMessage(this.ds.seed, from).split('\n')[0] : ''}`;
    }
    return commitMessage(this.ds.seed, row);
  }

  private fromBranchOf(prRow: number): string {
    const stored = this.ds.pullRequests.records.get(prRow);
    if (stored) return stored.fromBranch;
    // Avoid deriving the whole record just for a commit message.
    const repository = this.ds.repositories[this.ds.pullRequests.repo.get(prRow)] as RepositoryRecord;
    const project = this.ds.projects[repository.projectIdx] as ProjectRecord;
    return pullRequestBranch(this.ds.seed, prRow, project.key, this.ds.pullRequests.localId.get(prRow));
  }

  minimalRef(ref: string): RestMinimalRef {
    return { id: branchRef(ref), displayId: displayIdOf(ref), type: 'BRANCH' };
  }

  branch(r: RepositoryRecord, ref: string, tip: number, details = false): RestBranch {
    const hash = this.ds.commits.hash(tip);
    const base: RestBranch = { ...this.minimalRef(ref), latestCommit: hash, latestChangeset: hash, isDefault: ref === r.defaultBranch };
    if (!details) return base;
    return { ...base, metadata: { 'com.atlassian.bitbucket.server.bitbucket-branch:latest-commit-metadata': this.commit(tip) } };
  }

  participant(p: ReviewerRecord, role: RestPullRequestParticipant['role']): RestPullRequestParticipant {
    return {
      user: this.userAt(p.user),
      ...(p.lastReviewedCommit >= 0 ? { lastReviewedCommit: this.ds.commits.hash(p.lastReviewedCommit) } : {}),
      role,
      approved: p.status === 'APPROVED',
      status: p.status,
    };
  }

  pullRequest(pr: PullRequestRecord): RestPullRequest {
    const repository = this.ds.repositories[pr.repo] as RepositoryRecord;
    const project = this.ds.projects[repository.projectIdx] as ProjectRecord;
    const repo = this.repository(repository);
    const fromTip = pr.commits[pr.commits.length - 1] ?? -1;
    const toRefName = branchRef(pr.toBranch);
    const toTip = pr.state === 'OPEN' ? (repository.branches.get(toRefName) ?? pr.toCommitAtClose) : pr.toCommitAtClose;
    const ref = (name: string, tip: number, repository = repo): RestPullRequestRef => ({ ...this.minimalRef(name), latestCommit: tip >= 0 ? this.ds.commits.hash(tip) : '0000000000000000000000000000000000000000', repository });
    const commentCount = pr.comments.size;
    // A fork pull request's fromRef names the fork, whose `origin` is this repository.
    const fromRepository = isForkPullRequest(this.ds, pr) ? this.forkRepository(pr) : repo;
    return {
      id: pr.id,
      version: pr.version,
      title: pr.title,
      ...(pr.description ? { description: pr.description } : {}),
      ...(pr.description && this.options.markup ? { descriptionAsHtml: markupHtml(pr.description) } : {}),
      state: pr.state,
      open: pr.state === 'OPEN',
      closed: pr.state !== 'OPEN',
      draft: false,
      createdDate: pr.createdDate,
      updatedDate: pr.updatedDate,
      ...(pr.closedDate !== undefined ? { closedDate: pr.closedDate } : {}),
      fromRef: ref(pr.fromBranch, fromTip, fromRepository),
      toRef: ref(toRefName, toTip),
      locked: false,
      author: this.participant({ user: pr.author, status: 'UNAPPROVED', lastReviewedCommit: -1 }, 'AUTHOR'),
      reviewers: pr.reviewers.map((r) => this.participant(r, 'REVIEWER')),
      participants: pr.participants.map((p) => this.participant(p, 'PARTICIPANT')),
      properties: {
        ...(pr.state === 'OPEN' ? { mergeResult: { outcome: 'CLEAN', current: true } } : {}),
        resolvedTaskCount: 0,
        ...(commentCount > 0 ? { commentCount } : {}),
        openTaskCount: 0,
      },
      links: { self: [{ href: `${this.base}/projects/${project.key}/repos/${repository.slug}/pull-requests/${pr.id}` }] },
    };
  }

  comment(pr: PullRequestRecord, c: CommentRecord): RestComment {
    return {
      properties: { repositoryId: (this.ds.repositories[pr.repo] as RepositoryRecord).id },
      id: c.id,
      version: c.version,
      text: c.text,
      ...(this.options.markup ? { html: markupHtml(c.text) } : {}),
      author: this.userAt(c.author),
      createdDate: c.createdDate,
      updatedDate: c.updatedDate,
      comments: c.replies.map((id) => pr.comments.get(id)).filter((r): r is CommentRecord => r !== undefined).map((r) => this.comment(pr, r)),
      // Recorded activity pages carry (legacy, empty) `tasks` on every comment (GitLab's Bitbucket Server fixtures).
      tasks: [],
      threadResolved: false,
      severity: 'NORMAL',
      state: 'OPEN',
      permittedOperations: { editable: false, transitionable: true, deletable: false },
    };
  }

  /**
   * An inline comment's `commentAnchor` and `diff` on its COMMENTED activity: `{fromHash, toHash, line, lineType,
   * fileType, path, diffType, orphaned}` (the anchor GitLab's Bitbucket Server importer documents,
   * `lib/bitbucket_server/representation/pull_request_comment.rb`) and the one-hunk diff around the line. The
   * hashes are the pull request's base (`fromHash`, the target side, as in GitLab's fixture where it is the merge
   * commit's first parent) and the source tip when the comment was made (`toHash`), so they never move.
   */
  private inline(pr: PullRequestRecord, comment: CommentRecord, anchor: CommentAnchor): Record<string, unknown> {
    const commits = this.ds.commits;
    const base = pr.commits.length > 0 ? commits.parent1.get(pr.commits[0] as number) : -1;
    let tip = pr.commits[0] ?? -1;
    for (const row of pr.commits) if (commits.commitTime.get(row) <= comment.createdDate) tip = row;
    const hash = (row: number): string => (row >= 0 ? commits.hash(row) : '0000000000000000000000000000000000000000');
    const commentAnchor = { fromHash: hash(base), toHash: hash(tip), line: anchor.line, lineType: anchor.lineType, fileType: anchor.fileType, path: anchor.path, diffType: 'EFFECTIVE', orphaned: false };
    const diff = fileDiff(anchor.path, anchor.line, anchor.lineType, comment.id, 1, anchor.lineType === 'REMOVED' ? 1 : 0, comment.id);
    return { commentAnchor, diff: { ...diff, properties: { current: true, fromHash: commentAnchor.fromHash, toHash: commentAnchor.toHash } } };
  }

  activity(pr: PullRequestRecord, a: ActivityRecord): RestPullRequestActivity {
    const head = { id: a.id, createdDate: a.createdDate, user: this.userAt(a.user), action: a.action };
    const commits = this.ds.commits;
    const hashOf = (row: number): string => (row >= 0 ? commits.hash(row) : '0000000000000000000000000000000000000000');
    switch (a.action) {
      case 'COMMENTED': {
        const comment = pr.comments.get(a.commentId) ?? a.deleted;
        const anchor = comment ? commentAnchor(this.ds, comment) : undefined;
        return {
          ...head,
          commentAction: a.commentAction,
          ...(comment ? { comment: this.comment(pr, comment) } : {}),
          ...(a.previousText !== undefined ? { previousCommentText: a.previousText } : {}),
          ...(anchor && comment ? this.inline(pr, comment, anchor) : {}),
        };
      }
      case 'RESCOPED':
        return {
          ...head,
          fromHash: hashOf(a.fromCommit),
          previousFromHash: hashOf(a.previousFromCommit),
          previousToHash: hashOf(a.previousToCommit),
          toHash: hashOf(a.toCommit),
          added: { commits: a.added.filter((row) => commits.alive.get(row) === 1).map((row) => this.commit(row)), total: a.added.length },
          removed: { commits: a.removed.filter((row) => commits.alive.get(row) === 1).map((row) => this.commit(row)), total: a.removed.length },
        };
      case 'UPDATED':
        return { ...head, addedReviewers: a.addedReviewers.map((u) => this.userAt(u)), removedReviewers: a.removedReviewers.map((u) => this.userAt(u)) };
      case 'MERGED':
        // The merge commit's parents are full commits here (recorded activities), unlike in /commits.
        return a.commit >= 0 ? { ...head, commit: this.commit(a.commit, true) } : head;
      default:
        return head;
    }
  }
}

