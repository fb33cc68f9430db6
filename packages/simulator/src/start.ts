/**
 * `startSimulator`: one real HTTP server with the Cloud API under `/2.0`, the Data Center API under
 * `<contextPath>/rest/api/{1.0,latest}` and the control API under `/_sim/` (not Bitbucket's). Port 0 by
 * default, so any number of instances can run at once.
 */
import type { RunningSimulator, SimOptions } from './api.js';
import { SimClock } from './clock.js';
import { createCloudControlHandler } from './cloud/control-http.js';
import { createCloudSimulator, type CloudControlHandle, type CloudHandle } from './cloud/index.js';
import type { CloudTruth } from './cloud/truth.js';
import { createDataCenterSimulator, type DataCenterHandle } from './datacenter/index.js';
import type { DataCenterControl, DataCenterTruth, DataCenterWebhookControl } from './datacenter/index.js';
import { resolveSize } from './cloud/model/sizes.js';
import type { Mount, SimResponse } from './server.js';
import { startHttpServer } from './server.js';
import { resolveSwitches } from './switches.js';

/** The running simulator with both APIs' control and truth types. */
export type Simulator = RunningSimulator<CloudControlHandle, CloudTruth, DataCenterControl & DataCenterWebhookControl, DataCenterTruth> & {
  readonly cloud: CloudHandle;
};

/** The default seed (any number works; the same seed gives the same data everywhere). */
export const DEFAULT_SEED = 42;

export async function startSimulator(options: SimOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? DEFAULT_SEED;
  const clock = new SimClock();
  const size = resolveSize(options.size);
  const switches = resolveSwitches(options.switches);
  const cloud = createCloudSimulator({
    seed,
    size: options.size ?? 'small',
    switches,
    clock,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
  });
  const dc = createDataCenterSimulator({
    seed,
    size,
    switches,
    clock,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    contextPath: options.dataCenterContextPath ?? '/bitbucket',
  });
  let cloudHandle: CloudHandle | undefined;
  const recordControl = (method: string, path: string, status: number): void => {
    cloud.state.log.push({ api: 'control', method, path, status, credential: 'control', endpoint: path.split('?')[0] ?? path });
  };
  const cloudControl = createCloudControlHandler(() => cloudHandle as CloudHandle, recordControl);
  let origin = '';
  const mounts: Mount[] = [
    ...cloud.mounts,
    ...dc.mounts,
    { prefix: '/_sim/cloud', handler: cloudControl },
    { prefix: '/_sim/datacenter', handler: dc.controlHandler },
    {
      prefix: '/_sim',
      handler: (request): SimResponse => {
        const name = request.path.replace(/^\/+|\/+$/g, '');
        const json = (status: number, body: unknown): SimResponse => ({ status, headers: { 'content-type': 'application/json; charset=utf-8' }, body });
        if (name === '' && request.method === 'GET') return json(200, info());
        if (name === 'clock' && request.method === 'GET') return json(200, { now: clock.now(), iso: clock.iso() });
        if (name === 'clock/advance' && request.method === 'POST') {
          let ms = 0;
          try {
            ms = Number((JSON.parse(request.body.toString('utf8') || '{}') as { ms?: unknown }).ms ?? 0);
          } catch {
            return json(400, { error: 'The body is not JSON.' });
          }
          if (!Number.isFinite(ms) || ms < 0) return json(400, { error: 'ms must be a non-negative number' });
          clock.advance(ms);
          return json(200, { now: clock.now(), iso: clock.iso() });
        }
        return json(404, { error: `No control resource ${name}.` });
      },
    },
  ];
  const server = await startHttpServer(mounts, options.port ?? 0);
  origin = server.origin;
  cloudHandle = cloud.handle(origin);
  const datacenter = { ...dc.handle, baseUrl: `${origin}${dc.contextPath}/rest/api/1.0` };
  const info = () => ({
    origin,
    cloud: { baseUrl: cloudHandle?.baseUrl, workspace: cloudHandle?.workspace },
    datacenter: { baseUrl: datacenter.baseUrl },
    now: clock.now(),
    seed,
  });
  return {
    origin,
    cloud: cloudHandle,
    datacenter,
    now: () => clock.now(),
    advance: (ms) => {
      clock.advance(ms);
    },
    close: () => server.close(),
  };
}

export type { DataCenterHandle };
