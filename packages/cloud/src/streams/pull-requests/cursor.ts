import type { ApprovalsCursor } from './approvals.js';

/** The cursor of one repository's pull requests and all their children (one cursor, so no child is lost). */
export interface PullRequestsCursor {
  readonly version: 1;
  /** The newest `updated_on` seen in the pull request listing. */
  readonly updatedOn?: string | undefined;
  /**
   * Pull requests seen with `updated_on` inside the overlap window before `updatedOn` (id → updated_on):
   * the next listing returns them again (`q=updated_on > updatedOn − overlap`), and they are not
   * processed twice unless they changed.
   */
  readonly recent: Readonly<Record<string, string>>;
  /** The repository-wide activity feed: newest date read, and the keys of items inside the overlap window before it. */
  readonly feed?: { readonly date: string; readonly recent: readonly string[] } | undefined;
  /** Source commit hash per pull request when its commits were last read: they are read again only when it moves. */
  readonly heads: Readonly<Record<string, string>>;
  /** Full hashes that pull requests named (resolved from their 12-character forms), most recent last. */
  readonly hashes: readonly string[];
  /** Per open pull request, the approval item each person last gave (to delete it once withdrawn). */
  readonly approvals?: ApprovalsCursor | undefined;
  /** The repository's `updated_on` when last read (idle gate when pull requests bump it). */
  readonly repositoryUpdatedOn?: string | undefined;
}

/** Most pull request heads remembered per repository (the newest pull requests are kept). */
export const MAX_HEADS = 5000;

/** Most resolved full hashes remembered per repository (the most recently used are kept). */
export const MAX_HASHES = 1000;
