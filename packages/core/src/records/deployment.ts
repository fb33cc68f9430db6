/**
 * The deployment record both connectors write (`deployments` stream), whatever its origin: Bitbucket Cloud's
 * Deployments API, or an inference from pipelines (Cloud) or tags and release-branch merges (Data Center) by
 * the rules the user configured. One record per deployment; field names are a contract with the dataset.
 */

export type DeploymentState = 'SUCCESSFUL' | 'FAILED' | 'STOPPED' | 'IN_PROGRESS';
export type EnvironmentType = 'Test' | 'Staging' | 'Production';
export type DeploymentOrigin = 'deployments-api' | 'inferred';

export interface DeploymentRecord {
  /** The deployment's id within its repository: the Deployments API uuid, or what the inference derived it from. */
  readonly id: string;
  /** The repository's partition key (Cloud: its `{uuid}`; Data Center: its numeric id). */
  readonly repository: string;
  readonly environment: string;
  readonly environment_type: EnvironmentType | null;
  readonly state: DeploymentState;
  /** ISO 8601. */
  readonly started_on: string | null;
  readonly completed_on: string | null;
  /** The full commit hash deployed. */
  readonly commit: string | null;
  /** The pipeline `{uuid}` that deployed it (Cloud), or null. */
  readonly pipeline: string | null;
  readonly origin: DeploymentOrigin;
  /** The name of the rule that inferred it, or null for Deployments API records. */
  readonly rule: string | null;
}

/** `repository:id`. */
export function deploymentKey(record: Pick<DeploymentRecord, 'repository' | 'id'>): string {
  return `${record.repository}:${record.id}`;
}

/**
 * An environment type from an environment's name, for inferred deployments whose rule names none:
 * staging-like names first (`preprod` contains `prod`), then production, then test-like ones; else null.
 */
export function environmentTypeOf(name: string): EnvironmentType | null {
  const lower = name.toLowerCase();
  if (/stag|pre-?prod|uat/.test(lower)) return 'Staging';
  if (/prod|live/.test(lower)) return 'Production';
  if (/test|dev|qa|sandbox|preview|review/.test(lower)) return 'Test';
  return null;
}

/** Whether a deployment state can still change. */
export function deploymentFinal(state: DeploymentState): boolean {
  return state !== 'IN_PROGRESS';
}
