/**
 * A Data Center simulator plus the connector's real client, and a folded view of everything the streams wrote
 * across runs (records by output and key, deletions applied), to compare with the simulator's ground truth.
 */
import { parseCredentials, WORKSPACE_PARTITION, type PartitionDescriptor } from '@bbsync/core';
import { startSimulator } from '@bbsync/simulator';
import { createDataCenterClient } from '../client.js';
import { parseDataCenterConfig, type DataCenterConfig } from '../config.js';
import { commitsStream } from '../streams/commits.js';
import { pullRequestsStream } from '../streams/pull-requests.js';
import { repositoriesStream } from '../streams/repositories.js';
import { projectsStream } from '../streams/projects.js';
import { usersStream } from '../streams/users.js';
import { runDirect, type DirectRun } from './direct-context.js';

/** Small enough to keep the suite fast, big enough for several pages with a small pageSize. */
export const TEST_SIZE = { repositories: 10, projects: 3, members: 8, pullRequestsPerRepo: 6, commitsPerRepo: 30, pipelinesPerRepo: 0 };

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export async function startHarness(options: { newestOrderBy?: 'created' | 'updated'; credential?: string; config?: Record<string, unknown> } = {}) {
  const sim = await startSimulator({ seed: 7, size: TEST_SIZE, switches: { dataCenterNewestOrderBy: options.newestOrderBy ?? 'updated' } });
  const dc = sim.datacenter as any;
  const config: DataCenterConfig = parseDataCenterConfig({ baseUrl: dc.baseUrl, rateLimit: false, ...options.config });
  const credential = dc.credentials[options.credential ?? 'admin'];
  const client = createDataCenterClient(config, parseCredentials([credential.config]));
  const store = new Map<string, Map<string, any>>();
  const cursors: Record<string, Record<string, unknown>> = {};
  const absences: string[] = [];

  const apply = (stream: string, key: string, run: DirectRun<unknown>): void => {
    for (const [output, records] of run.records) {
      if (!store.has(output)) store.set(output, new Map());
      for (const [k, v] of records) store.get(output)?.set(k, v);
    }
    for (const [output, keys] of run.deleted) for (const k of keys) store.get(output)?.delete(k);
    absences.push(...run.absences.map((a) => `${stream}:${a.what}:${a.status}`));
    (cursors[stream] ??= {})[key] = run.cursor;
  };

  /** One sync of every stream (workspace streams first), as the engine would order it. */
  async function sync(): Promise<{ repositories: PartitionDescriptor[] }> {
    for (const definition of [projectsStream, usersStream]) {
      apply(definition.name, '', await runDirect({ definition, client, config, partition: WORKSPACE_PARTITION, cursor: cursors[definition.name]?.[''] as any }));
    }
    const discovered = await runDirect({ definition: repositoriesStream, client, config, partition: WORKSPACE_PARTITION, cursor: cursors.repositories?.[''] as any });
    apply('repositories', '', discovered);
    for (const partition of discovered.provided) {
      for (const definition of [commitsStream, pullRequestsStream]) {
        const run = await runDirect({ definition: definition as any, client, config, partition, cursor: cursors[definition.name]?.[partition.key], state: cursors });
        apply(definition.name, partition.key, run);
      }
    }
    return { repositories: discovered.provided };
  }

  return { sim, dc, config, client, store, cursors, absences, sync, close: async () => { await client.close(); await sim.close(); } };
}

/** Primary keys the ground truth implies, per output stream. */
export function truthKeys(truth: any): Record<string, string[]> {
  const live = new Set<number>(truth.repositories.map((r: any) => r.id));
  const perRepo = (table: Record<string, any[]>) =>
    Object.entries(table)
      .filter(([id]) => live.has(Number(id)))
      .flatMap(([id, items]) => items.map((item) => `${id}:${item.id}`));
  const perPullRequest = (table: Record<string, any[]>) =>
    Object.entries(table)
      .filter(([key]) => live.has(Number(key.split('/')[0])))
      .flatMap(([key, items]) => items.map((item) => `${key.replace('/', ':')}:${item.id}`));
  return {
    projects: truth.projects.map((p: any) => String(p.id)),
    repositories: truth.repositories.map((r: any) => String(r.id)),
    users: truth.users.map((u: any) => String(u.id)),
    commits: perRepo(truth.commits),
    pull_requests: perRepo(truth.pullRequests),
    pull_request_activities: perPullRequest(truth.activities),
    pull_request_commits: perPullRequest(truth.prCommits),
  };
}
