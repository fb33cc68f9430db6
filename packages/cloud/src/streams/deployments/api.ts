/**
 * Deployments API records: `GET /deployments` (the spec documents no sort or filter). Deployments that started
 * after the newest one read last time are new; those in progress last time are read again until final. While
 * the listing proves newest-first (start dates never increase along it), reading stops at the first page that
 * reaches older deployments, and unfinished ones not seen yet are read one by one (`GET /deployments/{uuid}`);
 * a listing in any other order is read to its end (correct whatever the order, at the cost of its pages).
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
  /** The start (ms) of the newest deployment read: later ones are new. */
  readonly watermark: number | undefined;
  /** Deployments that started exactly at the watermark (already read). */
  readonly atWatermark: readonly string[];
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
  const watermark = previous?.watermark;
  const atWatermark = new Set(previous?.atWatermark ?? []);
  let newest = watermark;
  let newestAt = new Set(atWatermark);
  let descending = true;
  let before: number | undefined;
  let listed = 0;
  const emit = async (deployment: CloudDeployment) => {
    const record = deploymentRecord(partition, deployment, byUuid);
    if (record === undefined) return;
    if (record.state === 'IN_PROGRESS') stillPending.push(deployment.uuid);
    await ctx.record(DEPLOYMENTS, record);
  };

  for await (const page of listPages<CloudDeployment>(
    ctx.client,
    {
      url: `${base}/deployments`,
      query: { pagelen: ctx.config.pageSizes.pipelines, fields: listFields(DEPLOYMENT_FIELDS) },
      context: requestContext(DEPLOYMENTS, partition),
      signal: ctx.signal,
    },
    { kind: 'deployments', key: (deployment) => deployment.uuid },
  )) {
    for (const deployment of page.items) {
      listed++;
      const started = millis(startedOn(deployment));
      if (!Number.isNaN(started)) {
        if (before !== undefined && started > before) descending = false;
        before = started;
        if (newest === undefined || started > newest) {
          newest = started;
          newestAt = new Set([deployment.uuid]);
        } else if (started === newest) newestAt.add(deployment.uuid);
      }
      const fresh = Number.isNaN(started) || watermark === undefined || started > watermark || (started === watermark && !atWatermark.has(deployment.uuid));
      const revisit = pending.delete(deployment.uuid);
      if (!fresh && !revisit) continue;
      // A first sync bounded by startDate skips what started before it.
      if (start !== undefined && !Number.isNaN(started) && started < start && !revisit) continue;
      await emit(deployment);
    }
    // Newest first so far, and past the watermark (or the start date): the rest of the listing is older.
    const bound = watermark ?? start;
    if (descending && bound !== undefined && before !== undefined && before < bound) break;
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
  if (previous === undefined && listed === 0) return { cursor: undefined };
  return { cursor: { watermark: newest, atWatermark: [...newestAt], pending: stillPending } };
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
