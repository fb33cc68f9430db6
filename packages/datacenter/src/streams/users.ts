/**
 * `users`: `GET /users` (every user the caller can see), one listing per run. Users that vanished from it are
 * confirmed with `GET /users/{slug}` (404) before a deletion marker is written.
 *
 * Project and repository HTTP access tokens "cannot call user-level or admin endpoints" (BSERV-19635): with
 * such a credential `/users` answers 401/403. That is not a failure of the run: the stream degrades to what
 * the credential can see (nothing), says so in a warning and an absence, and keeps its cursor.
 */
import { isBbsyncError, type PartitionContext, type StreamDefinition } from '@bbsync/core';
import type { DcUser } from '../api-types.js';
import type { DataCenterConfig } from '../config.js';
import { confirmedGone } from '../gone.js';
import { listing } from '../listing.js';
import { OUTPUTS } from '../outputs.js';
import { USERS_PATH, userPath } from '../paths.js';

/** Cursor: the users written last time, id → slug (to find deleted ones). */
export interface UsersCursor {
  readonly v: 1;
  readonly known: Readonly<Record<string, string>>;
}

/** The warning given when a credential cannot list users. */
export const USERS_DEGRADED_WARNING =
  'users: the credential cannot list users (project and repository access tokens cannot call /users); ' +
  'the users stream is empty for it. Use a personal access token or username + password to sync users.';

export const usersStream: StreamDefinition<any, UsersCursor, DataCenterConfig> = {
  name: 'users',
  outputs: [OUTPUTS.users],
  scope: 'workspace',
  requires: 'LICENSED_USER',
  async read(ctx: PartitionContext<any, UsersCursor, DataCenterConfig>): Promise<UsersCursor | undefined> {
    const seen: Record<string, string> = {};
    const users = listing<DcUser>(ctx.client, { url: USERS_PATH, limit: ctx.config.pageSize, context: { stream: ctx.stream }, signal: ctx.signal });
    try {
      for await (const user of users) {
        seen[String(user.id)] = user.slug;
        await ctx.record('users', user);
      }
    } catch (error) {
      if (!isUserLevelRefusal(error) || Object.keys(seen).length > 0) throw error;
      ctx.logger.warn(USERS_DEGRADED_WARNING, { status: error.status, path: error.path });
      ctx.absence('users (not visible to this credential)', error.status);
      return undefined;
    }
    for (const [id, slug] of Object.entries(ctx.cursor?.known ?? {})) {
      if (id in seen) continue;
      if (await confirmedGone(ctx, userPath(slug))) await ctx.deleted('users', id);
    }
    return { v: 1, known: seen };
  },
};

/** A 401/403 on the first `/users` page: the credential may not call user-level endpoints. */
function isUserLevelRefusal(error: unknown): error is { status: number; path: string | undefined } & Error {
  return (
    isBbsyncError(error) &&
    (error.status === 401 || error.status === 403) &&
    (error.code === 'invalid_permissions' || error.code === 'invalid_credentials')
  );
}
