/**
 * Deployments API records: `GET /deployments` newest first (the order Bitbucket lists them in; the spec
 * documents no sort or filter), down to the newest deployment already read; deployments that were in
 * progress last time and were not on those pages are read again one by one (`GET /deployments/{uuid}`)
 * until they are final.
 */
import type { DeploymentRecord, DeploymentState, EnvironmentType, PartitionContext } from '@bbsync/core';
import { environmentTypeOf } from '@bbsync/core';
import type { CloudConfig } from '../../config.js';
import { DEPLOYMENT_FIELDS, listFields, objectFields } from '../../fields.js';
import { listPages } from '../../listing.js';
import { requestContext, type RepositoryPartition } from '../../partition.js';
import { deploymentPath } from '../../paths.js';
import type { CloudDeployment, CloudEnvironment } from '../../records.js';
import { millis } from '../../time.js';

export interface ApiCursor {
  /** The newest deployment read (the listing stops there). */
  readonly newest: string | undefined;
  /** Deployments in progress when last read. */
  readonly pending: readonly string[];
}

const DEPLOYMENTS = 'deployments';

type Ctx = PartitionContext<RepositoryPartition, unknown, CloudConfig>;

/** Reads new and unfinished deployments; returns the cursor, or undefined when the API has no record at all. */
export async function readApiDeployments(
  ctx: Ctx,
  partition: RepositoryPartition,
  base: string,
  environments: readonly CloudEnvironment[],
  previous: ApiCursor | undefined,
): Promise<{ cursor: ApiCursor | undefined }> {
  const byUuid = new Map(environments.map((environment) => [environment.uuid, environment]));
  const pending = new Set(previous?.pending ?? []);
  const stillPending: string[] = [];
  const start = previous === undefined ? ctx.startDate?.getTime() : undefined;
  let newest = previous?.newest;
  let first = true;
  const emit = async (deployment: CloudDeployment) => {
    const record = deploymentRecord(partition, deployment, byUuid);
    if (record === undefined) return;
    if (record.state === 'IN_PROGRESS') stillPending.push(deployment.uuid);
    await ctx.record(DEPLOYMENTS, record);
  };

  listing: for await (const page of listPages<CloudDeployment>(
    ctx.client,
    {
      url: `${base}/deployments`,
      query: { pagelen: ctx.config.pageSizes.pipelines, fields: listFields(DEPLOYMENT_FIELDS) },
      context: requestContext(DEPLOYMENTS, partition),
      signal: ctx.signal,
    },
    { kind: 'deployments', key: (deployment) => deployment.uuid },
  )) {
    let reachedKnown = false;
    for (const deployment of page.items) {
      if (first) {
        newest = deployment.uuid;
        first = false;
      }
      if (deployment.uuid === previous?.newest) reachedKnown = true;
      if (reachedKnown) {
        // Already read: only the ones that were in progress matter.
        if (pending.delete(deployment.uuid)) await emit(deployment);
        continue;
      }
      const started = startedOn(deployment);
      if (start !== undefined && started !== undefined && millis(started) < start) break listing;
      pending.delete(deployment.uuid);
      await emit(deployment);
    }
    // The rest of the listing is known; unfinished ones not seen yet are read one by one (below).
    if (reachedKnown) break;
  }

  for (const uuid of pending) {
    const response = await ctx.client.request<CloudDeployment>({
      url: deploymentPath(base, uuid),
      query: { fields: objectFields(DEPLOYMENT_FIELDS) },
      context: requestContext(DEPLOYMENTS, partition),
      expect: [404],
      signal: ctx.signal,
    });
    if (response.status === 404) {
      ctx.absence(`deployment ${uuid} (in progress last time) is gone`, 404);
      continue;
    }
    await emit(response.body);
  }
  if (newest === undefined) return { cursor: undefined };
  return { cursor: { newest, pending: stillPending } };
}

function startedOn(deployment: CloudDeployment): string | undefined {
  return deployment.state?.start_date ?? deployment.state?.started_on;
}

/** The deployment record of a Deployments API object; undefined for `UNDEPLOYED` (nothing was deployed). */
export function deploymentRecord(partition: RepositoryPartition, deployment: CloudDeployment, environments: ReadonlyMap<string, CloudEnvironment>): DeploymentRecord | undefined {
  const stateName = deployment.state?.name;
  if (stateName === 'UNDEPLOYED') return undefined;
  const state: DeploymentState = stateName === 'COMPLETED' ? completedState(deployment.state?.status?.name) : 'IN_PROGRESS';
  const environment = environments.get(deployment.environment?.uuid ?? '');
  const name = environment?.name ?? deployment.environment?.uuid ?? 'unknown';
  const release = deployment.release ?? deployment.deployable;
  return {
    id: deployment.uuid,
    repository: partition.key,
    environment: name,
    environment_type: environmentTypeName(environment) ?? environmentTypeOf(name),
    state,
    started_on: startedOn(deployment) ?? null,
    completed_on: state === 'IN_PROGRESS' ? null : (deployment.state?.completion_date ?? deployment.state?.completed_on ?? null),
    commit: release?.commit?.hash ?? deployment.deployable?.commit?.hash ?? null,
    pipeline: release?.pipeline?.uuid ?? deployment.deployable?.pipeline?.uuid ?? null,
    origin: 'deployments-api',
    rule: null,
  };
}

function completedState(status: string | undefined): DeploymentState {
  if (status === 'SUCCESSFUL') return 'SUCCESSFUL';
  if (status === 'STOPPED') return 'STOPPED';
  return 'FAILED';
}

function environmentTypeName(environment: CloudEnvironment | undefined): EnvironmentType | undefined {
  const type = environment?.environment_type;
  const name = typeof type === 'string' ? type : type?.name;
  return name === 'Test' || name === 'Staging' || name === 'Production' ? name : undefined;
}
