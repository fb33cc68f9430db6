/**
 * Repository partitions: keyed by the numeric repository id (stable across renames and moves between
 * projects), named `PROJECT/slug` for people, file names and credential routing.
 */
import type { PartitionDescriptor, RequestContext } from '@bbsync/core';
import type { DcRepository } from './api-types.js';
import type { RepositoryHead } from './default-branch.js';
import type { RepositoryRef } from './paths.js';

/** A repository partition as the `repositories` stream provides it. */
export interface RepositoryPartition extends PartitionDescriptor {
  /** The repository id, as a string. */
  readonly key: string;
  /** `PROJECT/slug`. */
  readonly name: string;
  /**
   * The default branch and tip, when the `repositories` stream read them in this run (so the `commits` stream
   * needs no request of its own when the tip did not move). Absent: the `commits` stream reads it.
   */
  readonly head?: RepositoryHead | undefined;
}

/** `PROJECT/slug` of a repository object. */
export function repositoryName(repository: Pick<DcRepository, 'slug' | 'project'>): string {
  return `${repository.project.key}/${repository.slug}`;
}

/** The partition of a repository object. */
export function repositoryPartition(repository: DcRepository, head?: RepositoryHead): RepositoryPartition {
  const partition = { key: String(repository.id), name: repositoryName(repository) };
  return head === undefined ? partition : { ...partition, head };
}

/**
 * Project key and slug from a partition's `PROJECT/slug` name. Neither part can hold a `/` (project keys are
 * `[A-Za-z0-9_~.-]`, slugs are URL-safe), so the first `/` splits them.
 */
export function repositoryRef(partition: PartitionDescriptor): RepositoryRef {
  const slash = partition.name.indexOf('/');
  if (slash <= 0 || slash === partition.name.length - 1) {
    throw new TypeError(`Repository partition ${partition.key} has no PROJECT/slug name: ${JSON.stringify(partition.name)}`);
  }
  return { projectKey: partition.name.slice(0, slash), slug: partition.name.slice(slash + 1) };
}

/** The repository id of a partition, as a number (records carry it as `repositoryId`). */
export function repositoryId(partition: PartitionDescriptor): number {
  return Number(partition.key);
}

/** The request context that routes a request to credentials allowed for this stream and repository. */
export function requestContext(stream: string, partition?: PartitionDescriptor): RequestContext {
  return partition === undefined ? { stream } : { stream, repository: partition.name };
}
