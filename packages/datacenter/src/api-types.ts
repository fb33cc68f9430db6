/**
 * The parts of Data Center REST 1.0 objects bbsync reads (spec schemas `RestProject`, `RestRepository`,
 * `RestBranch`, `RestCommit`, `RestPullRequest`, `RestPullRequestActivity`, `RestApplicationUser`). Records are
 * written as the API sent them, with every other field kept; these types only name what the streams use.
 * Timestamps are epoch milliseconds.
 */

export interface DcProject {
  readonly id: number;
  readonly key: string;
  readonly name?: string;
  readonly type?: string;
}

export interface DcRepository {
  readonly id: number;
  readonly slug: string;
  readonly name?: string;
  readonly project: { readonly key: string; readonly id?: number };
  /** Sent by newer servers only (`refs/heads/main` or `main`). */
  readonly defaultBranch?: string;
}

/** `GET …/branches/default`. */
export interface DcBranch {
  /** The full ref, `refs/heads/main`. */
  readonly id: string;
  readonly displayId?: string;
  readonly latestCommit?: string;
  /** Older servers' name for `latestCommit`. */
  readonly latestChangeset?: string;
}

/** `GET …/default-branch` (`RestMinimalRef`). */
export interface DcMinimalRef {
  readonly id: string;
  readonly displayId?: string;
}

export interface DcCommit {
  /** The full SHA-1. */
  readonly id: string;
  readonly author?: DcEmbeddedUser;
  readonly displayId?: string;
  readonly authorTimestamp?: number;
  readonly committerTimestamp?: number;
  readonly parents?: readonly { readonly id: string; readonly displayId?: string }[];
}

/** A user as embedded in activities, pull requests and commits (`type` SERVICE for service users). */
export interface DcEmbeddedUser {
  readonly slug?: string;
  readonly name?: string;
  readonly displayName?: string;
  readonly emailAddress?: string;
  readonly type?: string;
}

export interface DcPullRequest {
  readonly id: number;
  readonly author?: { readonly user?: DcEmbeddedUser };
  readonly draft?: boolean;
  readonly version?: number;
  readonly state?: 'OPEN' | 'MERGED' | 'DECLINED' | string;
  readonly createdDate: number;
  readonly updatedDate: number;
  readonly closedDate?: number;
  readonly fromRef?: { readonly id?: string; readonly latestCommit?: string };
}

export interface DcActivity {
  readonly id: number;
  readonly action?: string;
  readonly createdDate?: number;
  readonly user?: DcEmbeddedUser;
  /** COMMENTED: ADDED, EDITED, DELETED, REPLIED. */
  readonly commentAction?: string;
  readonly comment?: { readonly id?: number; readonly createdDate?: number; readonly author?: DcEmbeddedUser };
}

/** `GET …/tags` (RestTag). */
export interface DcTag {
  /** `refs/tags/v1.0`. */
  readonly id: string;
  readonly displayId: string;
  /** The commit the tag points at (peeled). */
  readonly latestCommit?: string;
  readonly latestChangeset?: string;
}

export interface DcUser {
  readonly id: number;
  readonly name?: string;
  readonly slug: string;
}
