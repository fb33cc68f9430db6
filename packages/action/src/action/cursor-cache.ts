/**
 * Cursors in the Actions cache. Cache entries are immutable, so each run saves under a unique key
 * (`<prefix><runId>-<attempt>`) and restores the newest entry by prefix (the documented "update a cache"
 * recipe). A missing or failing cache is a warning, never a failed sync: the next run does a first sync (or
 * finds the state in an earlier run's artifact).
 */
import * as cache from '@actions/cache';
import * as core from '@actions/core';

/**
 * Longest a cursor restore or save may take. A cursor is a few kilobytes, so longer means the cache service hangs;
 * the cache client's own retries of a hanging service take many minutes, and caching is optional: past the limit
 * the run goes on without it (a restore that lands later can only bring back an older cursor, never a newer one).
 */
const CACHE_TIME_LIMIT_MS = 60_000;

/** `work`, or a rejection once the limit has passed. */
function withinTimeLimit<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the cache service did not answer within ${CACHE_TIME_LIMIT_MS / 1000} s`)), CACHE_TIME_LIMIT_MS);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

export type RestoreResult = { readonly key: string } | { readonly key: undefined; readonly reason: string };

/** Restores the newest cursor of the scope into `cachePath` (relative to GITHUB_WORKSPACE). */
export async function restoreCursor(cachePath: string, primaryKey: string, prefix: string): Promise<RestoreResult> {
  if (!cache.isFeatureAvailable()) return { key: undefined, reason: 'the Actions cache service is not available to this job' };
  try {
    // The primary key is this run's own (never saved yet): a miss that falls through to the newest prefix match.
    const key = await withinTimeLimit(cache.restoreCache([cachePath], primaryKey, [prefix]));
    return key === undefined ? { key: undefined, reason: `no cursor cached under ${prefix}` } : { key };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    core.warning(`Could not restore the cursor from the cache: ${message}. Continuing without it.`);
    return { key: undefined, reason: `cache restore failed: ${message}` };
  }
}

export type SaveResult = { readonly saved: true; readonly key: string } | { readonly saved: false; readonly key: string; readonly reason: string };

/** Saves the cursor under `key`. Never throws: a failure is a warning and a `saved: false` result. */
export async function saveCursor(cachePath: string, key: string): Promise<SaveResult> {
  if (!cache.isFeatureAvailable()) return { saved: false, key, reason: 'the Actions cache service is not available to this job' };
  try {
    const id = await withinTimeLimit(cache.saveCache([cachePath], key));
    if (id === -1) {
      // @actions/cache logged why (reservation refused, read-only cache mode, upload failure).
      core.warning(`The cursor was not saved to the cache (key ${key}); the next run starts from the previous cursor.`);
      return { saved: false, key, reason: 'the cache service did not accept it (see the log)' };
    }
    return { saved: true, key };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    core.warning(`The cursor was not saved to the cache: ${message}`);
    return { saved: false, key, reason: message };
  }
}
