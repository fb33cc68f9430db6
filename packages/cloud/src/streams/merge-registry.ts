/**
 * Merge commits the `commits` definition read in this run, per client and repository, so the pull request
 * definition can give merged pull requests the full hash of their 12-character `merge_commit.hash` without a
 * request, whichever of the two definitions the engine happens to run first for a repository (the pull
 * request one looks up the registry only once it has read everything else). Only commits with two or more
 * parents are kept (what a pull request merge creates), so memory stays small even on a first sync.
 */
import type { ApiClient } from '@bbsync/core';

const registries = new WeakMap<ApiClient, Map<string, Map<string, string>>>();

function registry(client: ApiClient): Map<string, Map<string, string>> {
  let found = registries.get(client);
  if (found === undefined) {
    found = new Map();
    registries.set(client, found);
  }
  return found;
}

/** Remembers a repository's merge commit (a full hash). */
export function rememberMergeCommit(client: ApiClient, repositoryKey: string, hash: string): void {
  const hashes = registered(client, repositoryKey);
  hashes.set(hash.slice(0, 12).toLowerCase(), hash);
}

/** Marks a repository as read by the `commits` definition in this run (even without merge commits). */
export function registered(client: ApiClient, repositoryKey: string): Map<string, string> {
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
