/**
 * End-to-end harness: a Data Center simulator, the connector exactly as the CLI wires it (parseConfig,
 * createClient, source), core's real engine (`runSync`) with a `FileStateStore`, real run folders, and merged
 * snapshots read back with `mergeRuns` + `readRecords`. Plus the simulator's ground truth as the records a
 * full sync must produce, built independently of the connector's record functions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DELETED_PARTITIONS_STREAM,
  FileStateStore,
  mergeRuns,
  parseCredentials,
  readRecords,
  runSync,
  type ClosableApiClient,
  type Logger,
  type RecordEnvelope,
  type RunManifest,
  type ShardSpec,
} from '@bbsync/core';
import { startSimulator, type DataCenterTruth, type SimSwitches, type Simulator } from '@bbsync/simulator';
import type { DataCenterConfig } from '../config.js';
import { dataCenterConnector } from '../connector.js';
import { DATA_CENTER_STREAM_NAMES } from '../outputs.js';

/** Small enough to keep the suite fast, big enough for several pages with a small pageSize. */
export const E2E_SIZE = { repositories: 10, projects: 3, members: 8, pullRequestsPerRepo: 6, commitsPerRepo: 30, pipelinesPerRepo: 0 };

/** Output stream → primary key → record data. */
export type Records = Map<string, Map<string, unknown>>;

export interface RunResult {
  readonly manifest: RunManifest;
  readonly dir: string;
  /** What the simulator counted during the run (API requests only). */
  readonly requests: number;
  readonly byEndpoint: Readonly<Record<string, number>>;
}

export interface RunOptions {
  readonly streams?: readonly string[];
  readonly maxRequests?: number;
  /** Requests in-flight partitions may still spend after `maxRequests` (the engine's default grace when unset). */
  readonly graceRequests?: number;
  readonly shard?: ShardSpec;
  /** A separate state per name, as sharded jobs keep. @default 'main' */
  readonly lane?: string;
  readonly logger?: Logger;
  /** Partitions read at once. @default the engine's */
  readonly concurrency?: number;
}

export interface EngineHarness {
  readonly sim: Simulator;
  readonly config: DataCenterConfig;
  /** Every run folder so far, oldest first. */
  readonly dirs: string[];
  run(options?: RunOptions): Promise<RunResult>;
  /** The state store of a lane (opened on first use). */
  state(lane?: string): Promise<FileStateStore>;
  /** Merges `inputs` (default: every run so far) and reads the snapshot. */
  snapshot(inputs?: readonly string[]): Promise<Records>;
  close(): Promise<void>;
}

export async function startEngineHarness(
  options: { newestOrderBy?: SimSwitches['dataCenterNewestOrderBy']; config?: Record<string, unknown>; credential?: string } = {},
): Promise<EngineHarness> {
  const sim = await startSimulator({ seed: 7, size: E2E_SIZE, switches: { dataCenterNewestOrderBy: options.newestOrderBy ?? 'updated' } });
  const root = await mkdtemp(join(tmpdir(), 'bbsync-dc-e2e-'));
  const config = dataCenterConnector.parseConfig({ baseUrl: sim.datacenter.baseUrl, rateLimit: false, ...options.config });
  const credential = sim.datacenter.credentials[options.credential ?? 'admin'];
  if (credential === undefined) throw new Error(`the simulator has no ${options.credential} credential`);
  const client = dataCenterConnector.createClient(config, parseCredentials([credential.config])) as ClosableApiClient;
  const states = new Map<string, Promise<FileStateStore>>();
  const dirs: string[] = [];
  let runs = 0;
  let snapshots = 0;

  const state = (lane = 'main'): Promise<FileStateStore> => {
    let store = states.get(lane);
    if (store === undefined) {
      store = FileStateStore.open(join(root, 'state', lane, 'state.json'), dataCenterConnector.scope(config));
      states.set(lane, store);
    }
    return store;
  };

  return {
    sim,
    config,
    dirs,
    state,
    async run(runOptions = {}) {
      const dir = join(root, `run-${++runs}`);
      sim.datacenter.resetCounters();
      const manifest = await runSync({
        source: dataCenterConnector.source,
        config,
        client,
        state: await state(runOptions.lane),
        outputDir: dir,
        ...(runOptions.streams === undefined ? {} : { streams: runOptions.streams }),
        ...(runOptions.maxRequests === undefined ? {} : { budgets: { maxRequests: runOptions.maxRequests, graceRequests: runOptions.graceRequests } }),
        ...(runOptions.shard === undefined ? {} : { shard: runOptions.shard }),
        ...(runOptions.logger === undefined ? {} : { logger: runOptions.logger }),
        ...(runOptions.concurrency === undefined ? {} : { concurrency: runOptions.concurrency }),
      });
      dirs.push(dir);
      const counters = sim.datacenter.counters();
      return { manifest, dir, requests: counters.total, byEndpoint: counters.byEndpoint };
    },
    async snapshot(inputs = dirs) {
      const out = join(root, `snapshot-${++snapshots}`);
      await mergeRuns({ inputs, outputDir: out });
      return readFolder(out);
    },
    async close() {
      await client.close();
      await sim.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The records of a run or snapshot folder (the engine's partition tombstones left out), by stream and key. */
export async function readFolder(dir: string): Promise<Records> {
  const records: Records = new Map();
  for await (const envelope of readRecords(dir) as AsyncIterable<RecordEnvelope>) {
    if (envelope.stream === DELETED_PARTITIONS_STREAM) continue;
    let stream = records.get(envelope.stream);
    if (stream === undefined) records.set(envelope.stream, (stream = new Map()));
    if (envelope.deleted) stream.delete(envelope.key);
    else stream.set(envelope.key, envelope.data);
  }
  return records;
}

const iso = (value: unknown): string | undefined => (typeof value === 'number' ? new Date(value).toISOString() : undefined);

/** `{ …, fieldIso }` for each epoch-ms field present. */
function isoDates(object: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...object };
  for (const field of fields) if (iso(object[field]) !== undefined) out[`${field}Iso`] = iso(object[field]);
  return out;
}

/**
 * The records a full sync as `admin` must produce, by stream and primary key: the API objects of the ground
 * truth plus the placing ids and ISO copies of timestamps the README promises.
 */
export function expectedRecords(truth: DataCenterTruth): Records {
  const out: Records = new Map(DATA_CENTER_STREAM_NAMES.map((name) => [name, new Map()]));
  const put = (stream: string, key: string, data: unknown) => out.get(stream)?.set(key, data);
  const commitDates = ['authorTimestamp', 'committerTimestamp'];
  for (const project of truth.projects) put('projects', String(project.id), project);
  for (const user of truth.users) put('users', String(user.id), user);
  for (const repository of truth.repositories) {
    const { displayId, id } = repository.defaultBranchRef;
    put('repositories', String(repository.id), { ...repository, defaultBranchRef: { id, displayId, type: 'BRANCH' } });
  }
  for (const [repositoryId, commits] of Object.entries(truth.commits)) {
    for (const commit of commits) put('commits', `${repositoryId}:${commit.id}`, isoDates({ ...commit, repositoryId: Number(repositoryId) }, commitDates));
  }
  for (const [repositoryId, pullRequests] of Object.entries(truth.pullRequests)) {
    for (const pullRequest of pullRequests) {
      const record = isoDates({ ...pullRequest, repositoryId: Number(repositoryId) }, ['createdDate', 'updatedDate', 'closedDate']);
      put('pull_requests', `${repositoryId}:${pullRequest.id}`, record);
    }
  }
  for (const [pair, activities] of Object.entries(truth.activities)) {
    const [repositoryId, pullRequestId] = pair.split('/').map(Number) as [number, number];
    for (const activity of activities) {
      put('pull_request_activities', `${repositoryId}:${pullRequestId}:${activity.id}`, isoDates({ ...activity, repositoryId, pullRequestId }, ['createdDate']));
    }
  }
  for (const [pair, commits] of Object.entries(truth.prCommits)) {
    const [repositoryId, pullRequestId] = pair.split('/').map(Number) as [number, number];
    for (const commit of commits) {
      put('pull_request_commits', `${repositoryId}:${pullRequestId}:${commit.id}`, isoDates({ ...commit, repositoryId, pullRequestId }, commitDates));
    }
  }
  return out;
}

/** Sorted keys per stream, every Data Center stream present: readable diffs when sets differ. */
export function keysOf(records: Records): Record<string, string[]> {
  return Object.fromEntries(DATA_CENTER_STREAM_NAMES.map((name) => [name, [...(records.get(name)?.keys() ?? [])].sort()]));
}
