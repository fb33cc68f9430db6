/**
 * Pull request objects carry 12-character commit hashes (`source.commit.hash`, `destination.commit.hash`,
 * `merge_commit.hash`: "7 up to 12" characters, undocumented), which do not join with the 40-character
 * hashes of commits. bbsync adds `hash_full` beside each one it can resolve:
 * - for free, from hashes known already: this repository's default-branch commits (the `commits` cursor)
 *   and the pull request commits read in this run;
 * - otherwise, for the merge commit and the source tip only, with one `GET /commit/{hash}`, whose commit
 *   record is written too (it is a commit no other stream gave).
 */
import type { PartitionContext } from '@bbsync/core';
import type { CloudConfig } from '../../config.js';
import { COMMIT_FIELDS, objectFields } from '../../fields.js';
import { requestContext, type RepositoryPartition } from '../../partition.js';
import { commitPath } from '../../paths.js';
import type { CloudCommit, CloudCommitRef, CloudPullRequest } from '../../records.js';
import type { CommitsCursor } from '../commits.js';
import { COMMITS } from '../commits.js';
import { PULL_REQUESTS } from './keys.js';

const PREFIX = 12;

export class HashResolver {
  readonly #byPrefix = new Map<string, string>();
  readonly #ctx: PartitionContext<RepositoryPartition, unknown, CloudConfig>;
  readonly #partition: RepositoryPartition;
  readonly #base: string;

  /** Hashes a pull request named this run, resolved (to be remembered in the cursor). */
  readonly #used = new Map<string, string>();

  /** `remembered`: full hashes the pull request cursor kept from earlier runs. */
  constructor(
    ctx: PartitionContext<RepositoryPartition, unknown, CloudConfig>,
    partition: RepositoryPartition,
    base: string,
    remembered: Iterable<string> = [],
  ) {
    this.#ctx = ctx;
    this.#partition = partition;
    this.#base = base;
    const commits = ctx.state.get<CommitsCursor>(COMMITS, partition.key)?.cursor;
    for (const hash of commits?.known ?? []) this.add(hash);
    for (const hash of remembered) this.add(hash);
  }

  /** The full hashes resolved for pull requests this run, newest use last. */
  used(): string[] {
    return [...this.#used.values()];
  }

  /** Learns a full hash. */
  add(hash: string): void {
    if (hash.length === 40) this.#byPrefix.set(hash.slice(0, PREFIX).toLowerCase(), hash);
  }

  /** The full hash of a known abbreviation (any length from 7), or undefined. */
  known(short: string | undefined): string | undefined {
    if (short === undefined || short.length < 7) return undefined;
    if (short.length === 40) return short;
    const lower = short.toLowerCase();
    const exact = this.#byPrefix.get(lower.slice(0, PREFIX));
    if (exact !== undefined && exact.startsWith(lower)) return exact;
    if (lower.length >= PREFIX) return undefined;
    for (const [prefix, full] of this.#byPrefix) if (prefix.startsWith(lower)) return full;
    return undefined;
  }

  /**
   * Adds `hash_full` to the pull request's commit references: from known hashes, else (merge commit and
   * source tip) with one GET each, writing the fetched commit to `commits` when that output is selected.
   */
  async annotate(pullRequest: CloudPullRequest): Promise<void> {
    await this.#annotate(pullRequest.merge_commit ?? undefined, true);
    await this.#annotate(pullRequest.source?.commit ?? undefined, true);
    await this.#annotate(pullRequest.destination?.commit ?? undefined, false);
  }

  async #annotate(ref: CloudCommitRef | undefined, fetch: boolean): Promise<void> {
    if (ref?.hash === undefined) return;
    const full = this.known(ref.hash) ?? (fetch ? await this.#fetch(ref.hash) : undefined);
    if (full === undefined) return;
    ref.hash_full = full;
    this.#used.delete(full);
    this.#used.set(full, full);
  }

  async #fetch(short: string): Promise<string | undefined> {
    const ctx = this.#ctx;
    const response = await ctx.client.request<CloudCommit>({
      url: commitPath(this.#base, short),
      query: { fields: objectFields(COMMIT_FIELDS) },
      context: requestContext(PULL_REQUESTS, this.#partition),
      expect: [404],
      signal: ctx.signal,
    });
    if (response.status === 404) {
      ctx.absence(`commit ${short} named by a pull request no longer exists`, 404);
      return undefined;
    }
    const commit = response.body;
    this.add(commit.hash);
    if (ctx.wants(COMMITS)) await ctx.record(COMMITS, { ...commit, repository_uuid: this.#partition.key });
    return commit.hash;
  }
}
