/**
 * `createDataCenterSimulator`: the Data Center half of the simulator. It answers on
 * `<contextPath>/rest/api/1.0` and `<contextPath>/rest/api/latest` ("latest resolves to the current version"
 * [spec]), with seeded faults, an optional per-user token bucket, a control API and ground truth.
 */
import type { SimApiHandle } from '../api.js';
import { withFaults, type FaultHooks } from '../faults.js';
import type { Mount, SimHandler, SimRequest, SimResponse } from '../server.js';
import { createApiHandler } from './apiHandler.js';
import { AuthRegistry } from './auth.js';
import { createControl, type RuntimeState } from './control.js';
import { createControlHandler } from './controlHttp.js';
import { generateDataset } from './generate.js';
import { RequestRecorder } from './observe.js';
import { TokenBuckets } from './rateLimit.js';
import { matchRoute } from './routes.js';
import { Shapes } from './shapes.js';
import { groundTruth } from './truth.js';
import type { DataCenterControl, DataCenterSimulatorOptions, DataCenterTruth } from './types.js';
import { DataCenterWebhooks, withWebhookEvents, type DataCenterWebhookControl } from './webhooks.js';

/** The handle without `baseUrl`, which only the composed server knows (origin + context path + `/rest/api/1.0`). */
export type DataCenterHandle = Omit<SimApiHandle<DataCenterControl & DataCenterWebhookControl, DataCenterTruth>, 'baseUrl'>;

export interface DataCenterSimulator {
  /** `<contextPath>/rest/api/1.0` and `<contextPath>/rest/api/latest`. */
  readonly mounts: readonly Mount[];
  /** Mount at `/_sim/datacenter`. */
  readonly controlHandler: SimHandler;
  readonly handle: DataCenterHandle;
  /** The context path in use ('' or '/bitbucket' ...). */
  readonly contextPath: string;
}

/** DC error bodies for injected faults, so a 500 looks like the server's own. */
const DC_FAULT_HOOKS: FaultHooks = {
  serverError: (status) => ({
    status,
    headers: { 'content-type': 'application/json;charset=UTF-8' },
    body: { errors: [{ context: null, message: status === 500 ? 'An unexpected error occurred. Please check the server logs.' : 'Bitbucket is temporarily unavailable.', exceptionName: status === 500 ? 'java.lang.IllegalStateException' : null }] },
  }),
  rateLimited: (retryAfter) => ({
    status: 429,
    headers: { 'content-type': 'application/json;charset=UTF-8', ...(retryAfter ? { 'retry-after': '1' } : {}) },
    body: { errors: [{ context: null, message: 'You have been rate limited. Too many requests, please retry later.', exceptionName: 'com.atlassian.bitbucket.throttle.RateLimitedException' }] },
  }),
};

/** The page Bitbucket serves while in maintenance mode (HTML, 503). */
function maintenancePage(): SimResponse {
  return {
    status: 503,
    headers: { 'content-type': 'text/html;charset=UTF-8' },
    body: '<!DOCTYPE html>\n<html><head><title>Bitbucket - Maintenance in progress</title></head>\n<body><h1>Bitbucket is undergoing maintenance</h1>\n<p>Bitbucket is unavailable while maintenance tasks are performed. Please try again later.</p></body></html>\n',
  };
}

export function createDataCenterSimulator(options: DataCenterSimulatorOptions): DataCenterSimulator {
  const contextPath = normalizeContextPath(options.contextPath ?? '/bitbucket');
  const ds = generateDataset(options.seed, options.size, options.clock);
  const auth = new AuthRegistry(ds);
  const recorder = new RequestRecorder();
  const bucket = options.rateLimits?.dataCenterBucket;
  const buckets = bucket ? new TokenBuckets(bucket, options.clock) : undefined;
  const runtime: RuntimeState = { maintenance: false, faults: options.faults };
  // Links carry the origin requests arrive at; ground truth uses the last one seen.
  let origin = 'http://127.0.0.1:7990';
  const shapes = (): Shapes => new Shapes(ds, origin + contextPath);

  const webhooks = new DataCenterWebhooks(options.seed, () => options.clock.now());
  const api = createApiHandler({ ds, auth, switches: options.switches, buckets, contextPath, webhooks, onOrigin: (o) => (origin = o) });
  const guarded: SimHandler = (request) => (runtime.maintenance ? maintenancePage() : api(request));
  const faulted = withFaults(guarded, () => runtime.faults, DC_FAULT_HOOKS);
  const logged: SimHandler = async (request: SimRequest) => {
    const response = await faulted(request);
    let credential: string;
    try {
      credential = auth.authenticate(request.headers['authorization']).label;
    } catch {
      credential = 'invalid';
    }
    recorder.record({ api: 'datacenter', method: request.method, path: request.path + request.url.search, status: response.reset ? 0 : response.status, credential, endpoint: matchRoute(request.path)?.template ?? 'unknown' });
    return response;
  };

  const control = withWebhookEvents(createControl(ds, auth, shapes, runtime, buckets), webhooks, { ds, shapes });
  const handle: DataCenterHandle = {
    credentials: auth.credentials,
    control,
    groundTruth: () => groundTruth(ds, shapes()),
    requestLog: () => recorder.log(),
    counters: () => recorder.counters(),
    resetCounters: () => recorder.reset(),
  };
  const controlHandler = createControlHandler(handle, (method, path, status) => recorder.record({ api: 'control', method, path, status, credential: 'control', endpoint: path.split('?')[0] ?? path }));
  return {
    mounts: [
      { prefix: `${contextPath}/rest/api/1.0`, handler: logged },
      { prefix: `${contextPath}/rest/api/latest`, handler: logged },
    ],
    controlHandler,
    handle,
    contextPath,
  };
}

function normalizeContextPath(path: string): string {
  const trimmed = path.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}


