/**
 * Data Center REST 1.0 response shapes as the simulator sends them (names from the 9.2 OpenAPI document's
 * `components.schemas`; extra fields the real server sends, like `isDefault` on branches, are kept).
 */

export interface RestLink {
  readonly href: string;
  readonly name?: string;
}
export interface RestSelfLinks {
  readonly self: readonly RestLink[];
}

export interface RestProject {
  readonly key: string;
  readonly id: number;
  readonly name: string;
  readonly description?: string;
  readonly public: boolean;
  readonly type: 'NORMAL' | 'PERSONAL';
  /** Personal projects (`~USER`) name their owner. */
  readonly owner?: RestApplicationUser;
  readonly links: RestSelfLinks;
}

export interface RestRepository {
  readonly slug: string;
  readonly id: number;
  readonly name: string;
  readonly description?: string;
  readonly hierarchyId: string;
  readonly scmId: 'git';
  readonly state: 'AVAILABLE';
  readonly statusMessage: string;
  readonly forkable: boolean;
  /** A fork's origin repository. */
  readonly origin?: RestRepository;
  readonly project: RestProject;
  readonly public: boolean;
  readonly archived: boolean;
  readonly links: { readonly clone: readonly RestLink[]; readonly self: readonly RestLink[] };
}

export interface RestApplicationUser {
  readonly name: string;
  readonly emailAddress: string;
  readonly active: boolean;
  readonly displayName: string;
  readonly id: number;
  readonly slug: string;
  readonly type: 'NORMAL' | 'SERVICE';
  readonly avatarUrl?: string;
  readonly links: RestSelfLinks;
}

/** A git author that is not (or no longer) a Bitbucket user. */
export interface RestPerson {
  readonly name: string;
  readonly emailAddress: string;
  readonly avatarUrl?: string;
}

export interface RestMinimalCommit {
  readonly id: string;
  readonly displayId: string;
}

export interface RestCommit extends RestMinimalCommit {
  readonly author: RestPerson | RestApplicationUser;
  readonly authorTimestamp: number;
  readonly committer: RestPerson | RestApplicationUser;
  readonly committerTimestamp: number;
  readonly message: string;
  readonly parents: readonly RestMinimalCommit[];
}

export interface RestMinimalRef {
  readonly id: string;
  readonly displayId: string;
  readonly type: 'BRANCH' | 'TAG';
}

export interface RestBranch extends RestMinimalRef {
  readonly latestCommit: string;
  readonly latestChangeset: string;
  readonly isDefault: boolean;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface RestPullRequestRef extends RestMinimalRef {
  readonly latestCommit: string;
  readonly repository: RestRepository;
}

export interface RestPullRequestParticipant {
  readonly user: RestApplicationUser;
  readonly lastReviewedCommit?: string;
  readonly role: 'AUTHOR' | 'REVIEWER' | 'PARTICIPANT';
  readonly approved: boolean;
  readonly status: 'UNAPPROVED' | 'NEEDS_WORK' | 'APPROVED';
}

export interface RestPullRequest {
  readonly id: number;
  readonly version: number;
  readonly title: string;
  readonly description?: string;
  readonly state: 'OPEN' | 'MERGED' | 'DECLINED';
  readonly open: boolean;
  readonly closed: boolean;
  readonly draft: boolean;
  readonly createdDate: number;
  readonly updatedDate: number;
  readonly closedDate?: number;
  readonly fromRef: RestPullRequestRef;
  readonly toRef: RestPullRequestRef;
  readonly locked: boolean;
  readonly author: RestPullRequestParticipant;
  readonly reviewers: readonly RestPullRequestParticipant[];
  readonly participants: readonly RestPullRequestParticipant[];
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly links: RestSelfLinks;
}

export interface RestComment {
  readonly properties: { readonly repositoryId: number };
  readonly id: number;
  readonly version: number;
  readonly text: string;
  readonly author: RestApplicationUser;
  readonly createdDate: number;
  readonly updatedDate: number;
  readonly comments: readonly RestComment[];
  /** Legacy tasks; always empty here. */
  readonly tasks?: readonly unknown[];
  readonly threadResolved: boolean;
  readonly severity: 'NORMAL' | 'BLOCKER';
  readonly state: 'OPEN' | 'RESOLVED';
  readonly permittedOperations: { readonly editable: boolean; readonly transitionable: boolean; readonly deletable: boolean };
}

/** RestPullRequestActivity and its subtypes (comment, rescope, reviewers-updated, merge), flattened. */
export interface RestPullRequestActivity {
  readonly id: number;
  readonly createdDate: number;
  readonly user: RestApplicationUser;
  readonly action: 'OPENED' | 'UPDATED' | 'RESCOPED' | 'REVIEWED' | 'APPROVED' | 'UNAPPROVED' | 'DECLINED' | 'REOPENED' | 'MERGED' | 'COMMENTED';
  readonly commentAction?: 'ADDED' | 'EDITED' | 'DELETED';
  readonly comment?: RestComment;
  readonly previousCommentText?: string;
  readonly fromHash?: string;
  readonly previousFromHash?: string;
  readonly toHash?: string;
  readonly previousToHash?: string;
  readonly added?: { readonly commits: readonly RestCommit[]; readonly total: number };
  readonly removed?: { readonly commits: readonly RestCommit[]; readonly total: number };
  readonly addedReviewers?: readonly RestApplicationUser[];
  readonly removedReviewers?: readonly RestApplicationUser[];
  readonly commit?: RestCommit;
}

/** The paged envelope. `nextPageStart` is `null` on the last page, as the real server sends it. */
export interface RestPage<T> {
  readonly size: number;
  readonly limit: number;
  readonly isLastPage: boolean;
  readonly values: readonly T[];
  readonly start: number;
  readonly nextPageStart: number | null;
  /** Commits with `withCounts=true`. */
  readonly authorCount?: number;
  readonly totalCount?: number;
}

export interface RestErrorMessage {
  readonly context: string | null;
  readonly message: string;
  readonly exceptionName: string | null;
}
export interface RestErrors {
  readonly errors: readonly RestErrorMessage[];
}
