/** Test helpers for the Data Center simulator's own tests: a started server and an authenticated fetch. */
import type { SimCredential, SimSize, SimSwitches } from '../api.js';
import { SimClock } from '../clock.js';
import { startHttpServer, type RunningServer } from '../server.js';
import { createDataCenterSimulator, type DataCenterSimulator } from './simulator.js';
import type { DataCenterSimulatorOptions } from './types.js';

export const TEST_SIZE: SimSize = { repositories: 12, projects: 4, members: 10, pullRequestsPerRepo: 8, commitsPerRepo: 40, pipelinesPerRepo: 0 };

export const TEST_SWITCHES: SimSwitches = {
  commentsBumpPullRequestUpdatedOn: true,
  repositoryUpdatedOnBumpedBy: 'pushes',
  dataCenterNewestOrderBy: 'updated',
  cloudActivityFeedNewestFirst: true,
  repeatRowAcrossPages: false,
  cloudMaxPagelen: { members: 100, comments: 100, commits: 100 },
  dataCenterMaxLimit: { default: 1000, activities: 500, commits: 100 },
};

export interface StartedDc {
  readonly sim: DataCenterSimulator;
  readonly server: RunningServer;
  readonly clock: SimClock;
  /** `http://127.0.0.1:PORT/bitbucket/rest/api/1.0` */
  readonly base: string;
  get(path: string, credential?: SimCredential | string | null): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  control(method: string, body: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** Authorization header value for a sample credential. */
export function authorization(credential: SimCredential): string {
  const c = credential.config;
  if (c.accessToken) return `Bearer ${c.accessToken}`;
  return `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
}

export async function startDc(overrides: Partial<DataCenterSimulatorOptions> = {}): Promise<StartedDc> {
  const clock = overrides.clock ?? new SimClock();
  const sim = createDataCenterSimulator({ seed: 42, size: TEST_SIZE, switches: TEST_SWITCHES, clock, contextPath: '/bitbucket', ...overrides });
  const server = await startHttpServer([...sim.mounts, { prefix: '/_sim/datacenter', handler: sim.controlHandler }]);
  const base = `${server.origin}${sim.contextPath}/rest/api/1.0`;
  return {
    sim,
    server,
    clock,
    base,
    async get(path, credential = 'admin') {
      const cred = typeof credential === 'string' ? sim.handle.credentials[credential] : credential;
      const headers: Record<string, string> = {};
      if (cred) headers['authorization'] = authorization(cred);
      const response = await fetch(path.startsWith('http') ? path : base + path, { headers });
      const text = await response.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      return { status: response.status, headers: response.headers, body, text };
    },
    async control(method, body) {
      const response = await fetch(`${server.origin}/_sim/datacenter/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    close: () => server.close(),
  };
}
