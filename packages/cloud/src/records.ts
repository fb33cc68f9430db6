/**
 * The few fields of Bitbucket Cloud objects that bbsync reads (records are otherwise stored as the API
 * sends them, trimmed by `fields=`). Everything is optional: the specs are stricter than the real API.
 */

export interface CloudUser {
  /** `user`, or `app_user` for bots (access tokens, apps). */
  readonly type?: string;
  readonly uuid?: string;
  readonly display_name?: string;
  readonly account_id?: string;
  readonly nickname?: string;
  readonly email?: string;
}

export interface CloudRepository {
  readonly uuid: string;
  readonly slug?: string;
  readonly name?: string;
  readonly full_name?: string;
  readonly updated_on?: string;
  readonly mainbranch?: { readonly name?: string } | null;
}

export interface CloudMembership {
  readonly user?: CloudUser;
}

export interface CloudCommitRef {
  readonly hash?: string;
  /** Added by bbsync: the full 40-character hash of a 12-character `hash`. */
  hash_full?: string;
}

export interface CloudPullRequest {
  readonly id: number;
  readonly author?: CloudUser | null;
  readonly created_on?: string;
  readonly draft?: boolean;
  readonly state?: string;
  readonly updated_on?: string;
  readonly source?: { readonly branch?: { readonly name?: string }; readonly commit?: CloudCommitRef | null; readonly repository?: { readonly uuid?: string } | null };
  readonly destination?: { readonly branch?: { readonly name?: string }; readonly commit?: CloudCommitRef | null; readonly repository?: { readonly uuid?: string } | null };
  readonly merge_commit?: CloudCommitRef | null;
}

export interface CloudCommit {
  readonly hash: string;
  readonly date?: string;
  readonly author?: { readonly raw?: string; readonly user?: CloudUser };
  readonly parents?: readonly { readonly hash?: string }[];
}

export interface CloudComment {
  readonly id: number;
  readonly created_on?: string;
  readonly updated_on?: string;
  readonly pullrequest?: { readonly id?: number };
}

/** One item of `/pullrequests/{id}/activity` or the repository-wide `/pullrequests/activity` feed. */
export interface CloudActivity {
  readonly pull_request?: { readonly id?: number };
  readonly update?: { readonly date?: string; readonly author?: CloudUser; readonly state?: string };
  readonly approval?: { readonly date?: string; readonly user?: CloudUser };
  /** A change request (`changes_request`; some clients report `changes_requested`). */
  readonly changes_request?: { readonly date?: string; readonly user?: CloudUser };
  readonly changes_requested?: { readonly date?: string; readonly user?: CloudUser };
  readonly comment?: CloudComment & { readonly user?: CloudUser };
}

export interface CloudPipeline {
  readonly uuid: string;
  readonly build_number?: number;
  readonly created_on?: string;
  readonly state?: { readonly name?: string };
}

export interface CloudEnvironment {
  readonly uuid: string;
  readonly name?: string;
  readonly environment_type?: { readonly name?: string } | string;
}

interface DeploymentRelease {
  readonly pipeline?: { readonly uuid?: string };
  readonly commit?: { readonly hash?: string };
}

export interface CloudDeployment {
  readonly uuid: string;
  readonly environment?: { readonly uuid?: string };
  readonly state?: {
    readonly name?: string;
    readonly status?: { readonly name?: string };
    readonly start_date?: string;
    readonly completion_date?: string;
    readonly started_on?: string;
    readonly completed_on?: string;
  };
  readonly release?: DeploymentRelease;
  readonly deployable?: DeploymentRelease;
}

/** A pipeline as inference reads it. */
export interface CloudInferencePipeline {
  readonly uuid: string;
  readonly build_number?: number;
  readonly created_on?: string;
  readonly completed_on?: string;
  readonly state?: { readonly name?: string; readonly result?: { readonly name?: string } };
  readonly target?: { readonly ref_name?: string; readonly selector?: { readonly type?: string; readonly pattern?: string }; readonly commit?: { readonly hash?: string } };
}

export interface CloudStep {
  readonly uuid: string;
  readonly name?: string;
  readonly started_on?: string;
  readonly completed_on?: string;
  readonly state?: { readonly name?: string; readonly result?: { readonly name?: string } };
}
