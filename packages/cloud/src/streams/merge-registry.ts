/**
 * Merge commits the `commits` definition read in this run, per client and repository, so the pull request
 * definition can give merged pull requests the full hash of their 12-character `merge_commit.hash` without a
 * request, whichever of the two definitions the engine happens to run first for a repository (the pull
 * request one looks up the registry only once it has read everything else). Only commits with two or more
 * parents are kept (what a pull request merge creates), so memory stays small even on a first sync.
 */
import type { ApiClient } from '@bbsync/core';

/**
 * Per client, per repository: its merge commits by 12-character prefix, or `null` once the pull request
 * definition is done with the repository (it is the only reader): what it held is dropped, and merge commits
 * read afterwards are not kept, so the registry stays one small entry per repository for the whole run.
 */
const registries = new WeakMap<ApiClient, Map<string, Map<string, string> | null>>();

function registry(client: ApiClient): Map<string, Map<string, string> | null> {
  let found = registries.get(client);
  if (found === undefined) {
    found = new Map();
    registries.set(client, found);
  }
  return found;
}

/** Remembers a repository's merge commit (a full hash), unless its pull requests are already done. */
export function rememberMergeCommit(client: ApiClient, repositoryKey: string, hash: string): void {
  registered(client, repositoryKey)?.set(hash.slice(0, 12).toLowerCase(), hash);
}

/**
 * Marks a repository as read by the `commits` definition in this run (even without merge commits); its
 * merge commits, or null when the pull request definition is already done with it.
 */
export function registered(client: ApiClient, repositoryKey: string): Map<string, string> | null {
  const byRepository = registry(client);
  let hashes = byRepository.get(repositoryKey);
  if (hashes === undefined) {
    hashes = new Map();
    byRepository.set(repositoryKey, hashes);
  }
  return hashes;
}

/** The full hash of a merge commit read this run, by its 12-character (or longer) abbreviation. */
export function mergeCommitOf(client: ApiClient, repositoryKey: string, short: string): string | undefined {
  const full = registries.get(client)?.get(repositoryKey)?.get(short.slice(0, 12).toLowerCase());
  return full !== undefined && full.startsWith(short.toLowerCase()) ? full : undefined;
}

/** True when the `commits` definition read this repository in this run (so its merge commits are registered). */
export function mergeCommitsRegistered(client: ApiClient, repositoryKey: string): boolean {
  return registries.get(client)?.has(repositoryKey) ?? false;
}

/** The pull request definition is done with a repository: forget its merge commits (and any read later). */
export function forgetMergeCommits(client: ApiClient, repositoryKey: string): void {
  registry(client).set(repositoryKey, null);
}
