/** Cursor scope and cache keys. */
import { createHash } from 'node:crypto';
import type { ShardSpec } from '@bbsync/core';

/** `i/n`, or `1/1` when not sharded. */
export function shardLabel(shard: ShardSpec | undefined): string {
  return shard === undefined ? '1/1' : `${shard.index}/${shard.count}`;
}

/**
 * The cache key prefix of one cursor scope: `<prefix>-<sha256(scope|shard)[:16]>-`. Hashed, so one scope's
 * prefix can never be a prefix of another's (`...-ws-` would also match `...-ws-2-...`). The scope is the
 * connector's (source + API base + workspace), deliberately not the repository filters: narrowing the filters
 * keeps the cursors of the repositories still selected.
 */
export function cacheKeyPrefix(prefix: string, scope: string, shard: ShardSpec | undefined): string {
  const digest = createHash('sha256').update(`${scope}|${shardLabel(shard)}`).digest('hex').slice(0, 16);
  return `${prefix}-${digest}-`;
}

/** A file-system-safe folder name for a scope + shard (the hash part of the cache prefix). */
export function scopeFolder(scope: string, shard: ShardSpec | undefined): string {
  return createHash('sha256').update(`${scope}|${shardLabel(shard)}`).digest('hex').slice(0, 16);
}

/** The artifact name of one job: `<name>` or `<name>-shard-<i>-of-<n>`, plus `-attempt-<k>` on re-runs. */
export function artifactName(name: string, shard: ShardSpec | undefined, attempt = 1): string {
  const sharded = shard === undefined || shard.count === 1 ? name : `${name}-shard-${shard.index}-of-${shard.count}`;
  return attempt > 1 ? `${sharded}-attempt-${attempt}` : sharded;
}
