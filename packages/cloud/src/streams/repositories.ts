/**
 * `repositories`: the workspace's repositories, listed in full every run (the listing is also how the
 * repository streams learn their partitions, and it is cheap: ceil(repositories / 100) requests).
 *
 * Only rows that changed since the last run are written (a fingerprint per repository in the cursor).
 * A repository that was known but is missing from the listing is confirmed gone with a GET (404/410)
 * before its deletion marker is written, because a listing can drift while it is read (a deletion on
 * an earlier page shifts later rows past the cursor of page-number pagination). The marker is keyed by the
 * repository UUID, the key of the repository's partition, so core also tombstones the partition: merging then
 * drops the repository's records in every stream, and the engine forgets its cursors.
 */
import { dataKeyed, repositoryMatcher, WORKSPACE_PARTITION, type PartitionContext, type PartitionDescriptor, type StreamDefinition } from '@bbsync/core';
import type { CloudConfig } from '../config.js';
import { listFields, objectFields, REPOSITORY_FIELDS } from '../fields.js';
import { fingerprint } from '../fingerprint.js';
import { listPages } from '../listing.js';
import { partitionOf } from '../partition.js';
import { repositoriesPath, repositoryPath } from '../paths.js';
import type { CloudRepository } from '../records.js';

export const REPOSITORIES = 'repositories';

/** Per known repository: its name (for reports) and the fingerprint of the row last written. */
export interface RepositoriesCursor {
  readonly version: 1;
  readonly repositories: Readonly<Record<string, { readonly name: string; readonly fingerprint: string }>>;
  /**
   * Repositories confirmed deleted while the `repositories` output was not selected: their partitions were
   * tombstoned then, but the deletion markers of their rows are still owed to the next run that writes rows.
   */
  readonly owedMarkers?: readonly string[] | undefined;
}

/** True when `fullName` passes the configured include/exclude globs. */
export function repositoryFilter(config: CloudConfig): (fullName: string) => boolean {
  return repositoryMatcher(config.repositories);
}

export const repositoriesStream: StreamDefinition<PartitionDescriptor, RepositoriesCursor, CloudConfig> = {
  name: REPOSITORIES,
  outputs: [{ name: REPOSITORIES, primaryKey: (record: CloudRepository) => record.uuid }],
  scope: 'workspace',
  providesPartitions: true,
  requires: 'repository',
  async read(ctx) {
    const { config } = ctx;
    const selected = repositoryFilter(config);
    const write = ctx.wants(REPOSITORIES);
    // Fingerprints only from a cursor that covers the output (otherwise every row is written again), but the
    // repositories known, and the markers owed, from the last cursor committed even when it does not cover it
    // (core hands no cursor over then), so a deletion around a change of the selected streams is not missed.
    // Keyed by repository UUID (data): without a prototype, so a UUID such as `constructor` is just a key.
    const before = dataKeyed(ctx.cursor?.repositories);
    const committed = ctx.cursor ?? ctx.state.get<RepositoriesCursor>(REPOSITORIES, WORKSPACE_PARTITION.key)?.cursor;
    const known = dataKeyed(committed?.repositories);
    const owed = new Set(committed?.owedMarkers ?? []);
    const after = dataKeyed<{ name: string; fingerprint: string }>();
    const listed = new Set<string>();

    const pages = listPages<CloudRepository>(
      ctx.client,
      {
        url: repositoriesPath(config.workspace),
        // Oldest first: a repository created while the listing is read lands on a later page, not before the cursor.
        query: { pagelen: config.pageSizes.repositories, sort: 'created_on', fields: listFields(REPOSITORY_FIELDS) },
        context: { stream: REPOSITORIES },
        signal: ctx.signal,
      },
      { kind: 'repositories', key: (repository) => repository.uuid },
    );
    // Repositories a committed cursor names. One that is not named yet is first committed as known (before its
    // row is written or its partition provided, whose streams may write while the listing goes on): a kill before
    // this stream's end would otherwise leave records durable that no cursor remembers, so their repository's
    // deletion would never be confirmed, and they would stay in the merged dataset forever.
    const remembered = new Map(Object.entries(known).map(([uuid, entry]) => [uuid, entry.name]));
    for await (const page of pages) {
      const fresh = page.items.map((repository) => partitionOf(repository, config.workspace)).filter((p) => selected(p.name) && !remembered.has(p.key));
      if (fresh.length > 0) {
        for (const partition of fresh) remembered.set(partition.key, partition.name);
        await ctx.checkpoint(rememberedCursor(remembered, owed));
      }
      for (const repository of page.items) {
        listed.add(repository.uuid);
        await accept(ctx, repository, selected, before, after, write);
      }
    }

    // Known before, missing now: confirm each one before declaring it deleted.
    for (const [uuid, entry] of Object.entries(known)) {
      if (listed.has(uuid)) continue;
      // Workspace streams write only on shard 1 (other shards run them to discover repositories and write
      // nothing), so shard 1 confirms every vanished repository, whichever shard reads its streams.
      const response = await ctx.client.request<CloudRepository>({
        url: repositoryPath(config.workspace, uuid),
        query: { fields: objectFields(REPOSITORY_FIELDS) },
        context: { stream: REPOSITORIES, repository: entry.name },
        expect: [403, 404, 410],
        signal: ctx.signal,
      });
      // No longer visible to these credentials is not deleted: forget it, write no marker.
      if (response.status === 403) continue;
      if (response.status === 404 || response.status === 410) {
        // Also when the `repositories` output is not selected: the engine then drops the marker itself but still
        // tombstones the partition, so the repository's records in the selected streams leave the merged dataset.
        await ctx.deleted(REPOSITORIES, uuid);
        if (!write) owed.add(uuid);
        continue;
      }
      // Still there: the listing drifted past it (or it was renamed out of the filters).
      await accept(ctx, response.body, selected, before, after, write);
    }
    if (write) {
      for (const uuid of owed) if (!listed.has(uuid)) await ctx.deleted(REPOSITORIES, uuid);
      owed.clear();
    }
    // Committed even when the output is not selected, so the repositories known (and their deletions) are tracked
    // either way; such a cursor does not cover the output, so selecting it later writes every row again (core).
    return { version: 1, repositories: after, ...(owed.size > 0 ? { owedMarkers: [...owed] } : {}) };
  },
};

/**
 * A cursor that names every repository `remembered` with no fingerprint: a run resumed from it writes every row
 * again (rows written since are not yet durable), and confirms the deletion of any it no longer lists.
 */
function rememberedCursor(remembered: ReadonlyMap<string, string>, owed: ReadonlySet<string>): RepositoriesCursor {
  const repositories = Object.fromEntries([...remembered].map(([uuid, name]) => [uuid, { name, fingerprint: '' }]));
  return { version: 1, repositories, ...(owed.size > 0 ? { owedMarkers: [...owed] } : {}) };
}

async function accept(
  ctx: PartitionContext<PartitionDescriptor, RepositoriesCursor, CloudConfig>,
  repository: CloudRepository,
  selected: (fullName: string) => boolean,
  before: RepositoriesCursor['repositories'],
  after: Record<string, { name: string; fingerprint: string }>,
  write: boolean,
): Promise<void> {
  const partition = partitionOf(repository, ctx.config.workspace);
  if (!selected(partition.name)) return;
  const print = fingerprint(repository);
  after[repository.uuid] = { name: partition.name, fingerprint: print };
  ctx.provide(partition);
  if (write && before[repository.uuid]?.fingerprint !== print) await ctx.record(REPOSITORIES, repository);
}
