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
  readonly displayId?: string;
  readonly authorTimestamp?: number;
  readonly committerTimestamp?: number;
  readonly parents?: readonly { readonly id: string; readonly displayId?: string }[];
}

export interface DcPullRequest {
  readonly id: number;
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
}

export interface DcUser {
  readonly id: number;
  readonly name?: string;
  readonly slug: string;
}
