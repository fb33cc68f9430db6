/**
 * `environments` and `deployments`: ONE definition per repository, one cursor for both (deployment records
 * name their environment, so they are read together).
 *
 * Per repository and run:
 * 1. `GET /environments` (every page; environments that vanished get deletion markers);
 * 2. where the repository has environments, `GET /deployments` (newest first) down to the newest deployment
 *    already read, plus one `GET /deployments/{uuid}` per deployment that was in progress last time and was
 *    not on the pages read (./deployments/api.ts);
 * 3. where the Deployments API has no record for the repository, inference from pipelines by the configured
 *    rules (./deployments/inference.ts): the pipeline listing newest first down to the newest build already
 *    read, steps only for pipelines a step rule may match, and pipelines whose deployment was in progress
 *    revisited until final. The Deployments API wins once it has records.
 * A nothing-changed repository costs the environments page plus one listing page (deployments or pipelines),
 * plus one request per deployment still in progress.
 */
import { deploymentKey, type StreamDefinition } from '@bbsync/core';
import type { CloudConfig } from '../config.js';
import { ENVIRONMENT_FIELDS, listFields } from '../fields.js';
import { listPages } from '../listing.js';
import { repositoryBase, repositoryFacts, requestContext, type RepositoryPartition } from '../partition.js';
import type { CloudEnvironment } from '../records.js';
import { readApiDeployments, type ApiCursor } from './deployments/api.js';
import { inferDeployments, type InferenceCursor } from './deployments/inference.js';

export const ENVIRONMENTS = 'environments';
export const DEPLOYMENTS = 'deployments';

export interface DeploymentsCursor {
  readonly version: 1;
  /** Environment uuids listed last time (to mark the ones that vanish as deleted). */
  readonly environments: readonly string[];
  /** Set once the Deployments API had records for this repository: it wins over inference from then on. */
  readonly api?: ApiCursor | undefined;
  readonly inferred?: InferenceCursor | undefined;
}

/** `repositoryUuid:environmentUuid`. */
export function environmentKey(record: { readonly repository_uuid: string; readonly uuid: string }): string {
  return `${record.repository_uuid}:${record.uuid}`;
}

export const deploymentsStream: StreamDefinition<RepositoryPartition, DeploymentsCursor, CloudConfig> = {
  name: DEPLOYMENTS,
  outputs: [
    { name: DEPLOYMENTS, primaryKey: deploymentKey, optIn: true },
    { name: ENVIRONMENTS, primaryKey: environmentKey, optIn: true },
  ],
  scope: 'repository',
  requires: 'pipeline',
  async read(ctx, partition) {
    const { cursor, config } = ctx;
    const base = repositoryBase(config, partition);
    const environments: CloudEnvironment[] = [];
    for await (const page of listPages<CloudEnvironment>(
      ctx.client,
      {
        url: `${base}/environments`,
        query: { pagelen: config.pageSizes.pipelines, fields: listFields(ENVIRONMENT_FIELDS) },
        context: requestContext(ENVIRONMENTS, partition),
        signal: ctx.signal,
      },
      { kind: 'environments', key: (environment) => environment.uuid },
    )) {
      for (const environment of page.items) {
        environments.push(environment);
        if (ctx.wants(ENVIRONMENTS)) await ctx.record(ENVIRONMENTS, { ...environment, repository_uuid: partition.key });
      }
    }
    const listed = new Set(environments.map((environment) => environment.uuid));
    if (ctx.wants(ENVIRONMENTS)) {
      for (const uuid of cursor?.environments ?? []) if (!listed.has(uuid)) await ctx.deleted(ENVIRONMENTS, `${partition.key}:${uuid}`);
    }

    let api = cursor?.api;
    let inferred = cursor?.inferred;
    if (ctx.wants(DEPLOYMENTS)) {
      if (environments.length > 0) {
        const read = await readApiDeployments(ctx, partition, base, environments, api);
        api = read.cursor;
      }
      if (api !== undefined && inferred !== undefined) {
        // The Deployments API now has records for this repository: it wins, so what was inferred goes.
        for (const id of inferred.ids ?? []) await ctx.deleted(DEPLOYMENTS, `${partition.key}:${id}`);
        inferred = undefined;
      }
      if (api === undefined) {
        const { mainBranch } = await repositoryFacts(ctx, partition, DEPLOYMENTS);
        inferred = await inferDeployments(ctx, partition, base, mainBranch, inferred);
      }
    }
    return { version: 1, environments: [...listed], api, inferred };
  },
};
