/** The Bitbucket Cloud REST 2.0 half of the simulator. */
import type { RequestLogEntry, SimApiHandle, SimCredential, SimFaults, SimRateLimits, SimSize, SimSizeName, SimSwitches } from '../api.js';
import type { SimClock } from '../clock.js';
import type { Mount } from '../server.js';
import { resolveSwitches } from '../switches.js';
import { createCloudControl, type CloudControl } from './control.js';
import { createDeploymentControl, type DeploymentControl } from './deployments-control.js';
import { createCloudHandler } from './handler.js';
import { mutateBetweenPages } from './mutate.js';
import { generateCloudData } from './model/generate.js';
import { braceUuidOf, mixAll, saltOf } from './model/hash.js';
import { resolveSize } from './model/sizes.js';
import type { RenderContext } from './render/context.js';
import { CloudState } from './state.js';
import { groundTruth, groundTruthIds, type CloudTruth, type CloudTruthIds } from './truth.js';
import { WebhookRegistry } from './webhooks.js';

export interface CloudSimulatorOptions {
  readonly seed: number;
  readonly size?: SimSizeName | Partial<SimSize>;
  readonly switches?: Partial<SimSwitches>;
  readonly faults?: SimFaults;
  readonly rateLimits?: SimRateLimits;
  readonly clock: SimClock;
  /** Mount prefix. @default '/2.0' */
  readonly prefix?: string;
  readonly workspace?: string;
}

/** `handle.control` of the Cloud API: the control surface plus cheap truth identifiers. */
export interface CloudControlHandle extends CloudControl, DeploymentControl {
  /** Identifiers of the ground truth (cheap for large datasets). */
  truthIds(): CloudTruthIds;
}

export type CloudHandle = SimApiHandle<CloudControlHandle, CloudTruth> & { readonly workspace: string };

export interface CloudSimulator {
  readonly mounts: Mount[];
  readonly state: CloudState;
  /** The handle, once the server's origin is known. */
  handle(origin: string): CloudHandle;
}

export function createCloudSimulator(options: CloudSimulatorOptions): CloudSimulator {
  const switches = resolveSwitches(options.switches);
  const prefix = options.prefix ?? '/2.0';
  const data = generateCloudData({
    seed: options.seed,
    size: resolveSize(options.size),
    generatedAt: options.clock.now(),
    commentsBumpPullRequestUpdatedOn: switches.commentsBumpPullRequestUpdatedOn,
    repositoryUpdatedOnBumpedBy: switches.repositoryUpdatedOnBumpedBy,
    ...(options.workspace ? { workspace: options.workspace } : {}),
  });
  data.deployments.now = () => options.clock.now();
  let hookCounter = 0;
  const webhooks = new WebhookRegistry(() => braceUuidOf(mixAll(options.seed, saltOf('hook')), hookCounter++));
  const state = new CloudState({
    data,
    clock: options.clock,
    switches,
    faults: options.faults,
    rate: {
      perHour: options.rateLimits?.cloudPerHour ?? 1000,
      windowScale: options.rateLimits?.cloudWindowScale ?? 1,
      retryAfter: options.rateLimits?.cloudRetryAfter ?? false,
    },
    webhooks,
  });
  let apiBase = `http://127.0.0.1${prefix}`;
  const ctx = (): RenderContext => ({ data, api: apiBase, changesRequestKey: state.switches.cloudChangesRequestKey });
  const control = createCloudControl(state, ctx, (ms) => options.clock.advance(ms));
  const handler = createCloudHandler(state, (call, match) => mutateBetweenPages(state, control, call, match));
  return {
    mounts: [{ prefix, handler }],
    state,
    handle(origin) {
      apiBase = `${origin}${prefix}`;
      const controlHandle: CloudControlHandle = { ...control, ...createDeploymentControl(state, control), truthIds: () => groundTruthIds(data) };
      return {
        baseUrl: apiBase,
        workspace: data.workspace.slug,
        credentials: state.credentials.samples() as Readonly<Record<string, SimCredential>>,
        control: controlHandle,
        groundTruth: () => groundTruth(ctx()),
        requestLog: () => state.log,
        counters: () => countersOf(state.log),
        resetCounters: () => {
          state.log.length = 0;
        },
      };
    },
  };
}

/** Counts per endpoint template, per credential, per status. */
export function countersOf(log: readonly RequestLogEntry[]): ReturnType<SimApiHandle<unknown, unknown>['counters']> {
  const byEndpoint: Record<string, number> = {};
  const byCredential: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  let total = 0;
  for (const entry of log) {
    // Control API calls are logged, but they are not Bitbucket requests.
    if (entry.api === 'control') continue;
    total++;
    const endpoint = `${entry.method} ${entry.endpoint}`;
    byEndpoint[endpoint] = (byEndpoint[endpoint] ?? 0) + 1;
    byCredential[entry.credential] = (byCredential[entry.credential] ?? 0) + 1;
    byStatus[String(entry.status)] = (byStatus[String(entry.status)] ?? 0) + 1;
  }
  return { total, byEndpoint, byCredential, byStatus };
}

export type { CloudControl } from './control.js';
export type { DeploymentControl } from './deployments-control.js';
export type { CloudTruth, CloudTruthIds, CloudObject } from './truth.js';
export { pullRequestKey } from './truth.js';
export type { WebhookDelivery, WebhookSubscription } from './webhooks.js';
