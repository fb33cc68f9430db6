/**
 * Pull request objects carry 12-character commit hashes (`source.commit.hash`, `destination.commit.hash`,
 * `merge_commit.hash`: "7 up to 12" characters, undocumented), which do not join with the 40-character
 * hashes of commits. bbsync adds `hash_full` beside each one it can resolve:
 * - for free, from hashes known already: the `commits` cursor's recent default-branch hashes, merge commits
 *   the `commits` definition read this run, this pull request's commits, and hashes resolved in earlier runs;
 * - otherwise with one `GET /commit/{hash}`: for a merge commit (it is on the default branch, so only its
 *   hash is asked for; only when the `commits` stream reads this repository, as that is what it joins), and
 *   for the source tip of a pull request whose commits Bitbucket no longer lists (its branch is gone): that
 *   commit no other stream gives is written to `commit_details` (only when that output is selected).
 * Destination commits are resolved only when known (they are default-branch commits, often old). A fork pull
 * request's source commits live in the fork (`source.repository` ≠ `destination.repository`): they are never
 * looked up in this repository, where they do not exist until merged.
 */
import type { PartitionContext } from '@bbsync/core';
import type { CloudConfig } from '../../config.js';
import { COMMIT_FIELDS, objectFields } from '../../fields.js';
import { requestContext, type RepositoryPartition } from '../../partition.js';
import { commitPath } from '../../paths.js';
import type { CloudCommit, CloudCommitRef, CloudPullRequest } from '../../records.js';
import { COMMITS, type CommitsCursor } from '../commits.js';
import { mergeCommitOf, mergeCommitsRegistered } from '../merge-registry.js';
import { COMMIT_DETAILS, PULL_REQUESTS } from './keys.js';

const PREFIX = 12;

type Ctx = PartitionContext<RepositoryPartition, unknown, CloudConfig>;

/** Whether the pull request comes from another repository (a fork). */
export function isFork(pullRequest: CloudPullRequest): boolean {
  const source = pullRequest.source?.repository?.uuid;
  const destination = pullRequest.destination?.repository?.uuid;
  return source !== undefined && destination !== undefined && source !== destination;
}

export class HashResolver {
  readonly #byPrefix = new Map<string, string>();
  /** Hashes pull requests named this run, resolved (remembered in the cursor). */
  readonly #used = new Set<string>();
  readonly #ctx: Ctx;
  readonly #partition: RepositoryPartition;
  readonly #base: string;

  /** `remembered`: full hashes the pull request cursor kept from earlier runs. */
  constructor(ctx: Ctx, partition: RepositoryPartition, base: string, remembered: Iterable<string> = []) {
    this.#ctx = ctx;
    this.#partition = partition;
    this.#base = base;
    for (const hash of remembered) this.add(hash);
  }

  /** Learns a full hash. */
  add(hash: string): void {
    if (hash.length === 40) this.#byPrefix.set(hash.slice(0, PREFIX).toLowerCase(), hash);
  }

  /** The full hashes resolved for pull requests this run. */
  used(): string[] {
    return [...this.#used];
  }

  /** The full hash of an abbreviation, from everything known without a request. */
  known(short: string | undefined): string | undefined {
    if (short === undefined || short.length < 7) return undefined;
    if (short.length === 40) return short;
    const lower = short.toLowerCase();
    const hit = this.#byPrefix.get(lower.slice(0, PREFIX)) ?? mergeCommitOf(this.#ctx.client, this.#partition.key, lower) ?? this.#fromCommitsCursor(lower);
    return hit !== undefined && hit.startsWith(lower) ? hit : undefined;
  }

  /**
   * Adds `hash_full` to the pull request's commit references. `commitsListed`: whether Bitbucket still lists
   * the pull request's commits (false when its source branch is gone).
   */
  async annotate(pullRequest: CloudPullRequest, commitsListed: boolean): Promise<void> {
    await this.#annotate(pullRequest.merge_commit ?? undefined, 'hash');
    const fromFork = isFork(pullRequest);
    await this.#annotate(pullRequest.source?.commit ?? undefined, commitsListed || fromFork ? 'none' : 'detail');
    await this.#annotate(pullRequest.destination?.commit ?? undefined, 'none');
  }

  async #annotate(ref: CloudCommitRef | undefined, wanted: 'hash' | 'detail' | 'none'): Promise<void> {
    if (ref?.hash === undefined) return;
    // Only spend a request where the answer is used: a merge commit's full hash joins the commits stream (so
    // only when that stream reads this repository), a gone branch's source tip is written to commit_details.
    const fetch =
      (wanted === 'hash' && this.#commitsTracked()) || (wanted === 'detail' && this.#ctx.wants(COMMIT_DETAILS)) ? wanted : 'none';
    const full = this.known(ref.hash) ?? (fetch === 'none' ? undefined : await this.#fetch(ref.hash, fetch === 'detail'));
    if (full === undefined) return;
    ref.hash_full = full;
    this.add(full);
    this.#used.add(full);
  }

  #commitsTracked(): boolean {
    return this.#ctx.state.get(COMMITS, this.#partition.key) !== undefined || mergeCommitsRegistered(this.#ctx.client, this.#partition.key);
  }

  #fromCommitsCursor(lower: string): string | undefined {
    const known = this.#ctx.state.get<CommitsCursor>(COMMITS, this.#partition.key)?.cursor?.known ?? [];
    return known.find((hash) => hash.startsWith(lower));
  }

  async #fetch(short: string, detail: boolean): Promise<string | undefined> {
    const ctx = this.#ctx;
    const url = commitPath(this.#base, short);
    // Several pull requests can name the same missing commit (two from one deleted branch): one 404 per run.
    if (ctx.notFound.has(url)) return undefined;
    const response = await ctx.client.request<CloudCommit>({
      url,
      query: { fields: detail ? objectFields(COMMIT_FIELDS) : 'hash' },
      context: requestContext(PULL_REQUESTS, this.#partition),
      expect: [404],
      signal: ctx.signal,
    });
    if (response.status === 404) {
      ctx.notFound.add(url);
      ctx.absence(`commit ${short} named by a pull request does not exist`, 404);
      return undefined;
    }
    const commit = response.body;
    if (detail && ctx.wants(COMMIT_DETAILS)) await ctx.record(COMMIT_DETAILS, { ...commit, repository_uuid: this.#partition.key });
    return commit.hash;
  }
}
