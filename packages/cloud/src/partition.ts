/**
 * The repository partition the `repositories` stream provides: keyed by the repository UUID (a rename keeps
 * the key, so no history is replayed), named by `workspace/slug`. It carries what the listing already told
 * us for free (`updated_on`, the main branch), so repository streams spend no request to learn them.
 */
import type { ApiClient, PartitionContext, PartitionDescriptor } from '@bbsync/core';
import type { CloudConfig } from './config.js';
import { repositoryPath } from './paths.js';
import type { CloudRepository } from './records.js';

export interface RepositoryPartition extends PartitionDescriptor {
  /** The repository UUID, with braces (`{…}`), as Bitbucket sends it. */
  readonly key: string;
  /** `workspace/slug` (Bitbucket's `full_name`). */
  readonly name: string;
  readonly slug?: string | undefined;
  /** The repository's `updated_on` in this run's listing. */
  readonly updatedOn?: string | undefined;
  /** The main (default) branch name in this run's listing; `null` when the repository is empty. */
  readonly mainBranch?: string | null | undefined;
}

/** The partition of a listed repository. */
export function partitionOf(repository: CloudRepository, workspace: string): RepositoryPartition {
  const slug = repository.slug ?? repository.full_name?.split('/')[1] ?? repository.uuid;
  return {
    key: repository.uuid,
    name: repository.full_name ?? `${workspace}/${slug}`,
    slug,
    updatedOn: repository.updated_on,
    // The listing asks for `mainbranch.name`: when it is absent the repository has no main branch (it is empty).
    mainBranch: repository.mainbranch?.name ?? null,
  };
}

/** The slug of a partition (from the descriptor, else from `workspace/slug`). */
export function slugOf(partition: RepositoryPartition): string {
  if (partition.slug !== undefined && partition.slug !== '') return partition.slug;
  const slash = partition.name.indexOf('/');
  return slash >= 0 ? partition.name.slice(slash + 1) : partition.name;
}

/** The API path of a partition's repository (`/repositories/{ws}/{slug}`). */
export function repositoryBase(config: CloudConfig, partition: RepositoryPartition): string {
  return repositoryPath(config.workspace, slugOf(partition));
}

/** The request context that picks a credential able to read this repository for this stream. */
export function requestContext(stream: string, partition: RepositoryPartition) {
  return { stream, repository: partition.name } as const;
}

/**
 * The repository's `updated_on` and main branch: from the partition when the listing provided them,
 * otherwise one GET (a resumed partition whose descriptor was restored from state).
 */
export async function repositoryFacts(
  ctx: Pick<PartitionContext, 'client' | 'signal'> & { readonly config: CloudConfig },
  partition: RepositoryPartition,
  stream: string,
): Promise<{ updatedOn: string | undefined; mainBranch: string | null | undefined }> {
  if (partition.mainBranch !== undefined) return { updatedOn: partition.updatedOn, mainBranch: partition.mainBranch };
  const response = await (ctx.client as ApiClient).request<CloudRepository>({
    url: repositoryBase(ctx.config, partition),
    query: { fields: 'uuid,updated_on,mainbranch.name' },
    context: requestContext(stream, partition),
    signal: ctx.signal,
  });
  const body = response.body;
  return { updatedOn: body.updated_on, mainBranch: body.mainbranch?.name ?? null };
}
