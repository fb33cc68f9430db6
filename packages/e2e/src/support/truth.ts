/**
 * Ground truth as bbsync records: the simulator's objects placed the way the connectors place them
 * (`repository_uuid` / `pull_request_id` on Cloud, `repositoryId` / `pullRequestId` on Data Center) and keyed by
 * the connector's own `OutputSpec.primaryKey`, compared with a merged snapshot: no record missing, none extra,
 * no duplicate, and no stale version (the fields that change when an object changes must be equal).
 */
import type { Connector, OutputSpec } from '@bbsync/core';
import type { ApiObject, CloudTruth, DataCenterTruth, Simulator } from './sim-types.js';
import type { ApiKind } from './sync-job.js';

/** Records per output stream, by primary key. */
export type KeyedRecords = Map<string, Map<string, unknown>>;

/** Fields that change whenever the object changes; a merged record must agree with the truth on each it has. */
const VERSION_FIELDS = ['updated_on', 'updatedDate', 'title', 'version', 'name', 'slug', 'hash', 'state'] as const;

function outputSpec(connector: Connector, output: string): OutputSpec {
  for (const stream of connector.source.streams) {
    const spec = stream.outputs.find((o) => o.name === output);
    if (spec !== undefined) return spec;
  }
  throw new Error(`the ${connector.kind} connector has no output ${output}`);
}

function add(connector: Connector, into: KeyedRecords, output: string, records: Iterable<ApiObject>): void {
  const spec = outputSpec(connector, output);
  const keyed = into.get(output) ?? new Map<string, unknown>();
  for (const record of records) keyed.set(spec.primaryKey(record), record);
  into.set(output, keyed);
}

function* perRepository(map: Readonly<Record<string, readonly ApiObject[]>>, place: (repo: string, item: ApiObject) => ApiObject): Generator<ApiObject> {
  for (const [repo, items] of Object.entries(map)) for (const item of items) yield place(repo, item);
}

/** The ground truth of `api` as keyed records, for the outputs the connector writes. */
export function expectedRecords(api: ApiKind, sim: Simulator, connector: Connector): KeyedRecords {
  const expected: KeyedRecords = new Map();
  if (api === 'cloud') {
    const truth: CloudTruth = sim.cloud.groundTruth();
    const child = (composite: string, item: ApiObject): ApiObject => {
      const [repository_uuid, id] = composite.split('#') as [string, string];
      return { ...item, repository_uuid, pull_request_id: Number(id) };
    };
    add(connector, expected, 'repositories', truth.repositories);
    add(connector, expected, 'workspace_members', truth.members);
    add(connector, expected, 'pull_requests', perRepository(truth.pullrequests, (repository_uuid, pr) => ({ ...pr, repository_uuid })));
    add(connector, expected, 'pull_request_activity', perRepository(truth.activity, (key, item) => child(key, item)));
    add(connector, expected, 'pull_request_comments', perRepository(truth.comments, (key, item) => child(key, item)));
    add(connector, expected, 'pull_request_commits', perRepository(truth.prCommits, (key, item) => child(key, item)));
    add(connector, expected, 'commits', perRepository(truth.commits, (repository_uuid, c) => ({ ...c, repository_uuid })));
    add(connector, expected, 'pipelines', perRepository(truth.pipelines, (repository_uuid, p) => ({ ...p, repository_uuid })));
  } else {
    const truth: DataCenterTruth = sim.datacenter.groundTruth();
    const pr = (composite: string, item: ApiObject): ApiObject => {
      const [repositoryId, pullRequestId] = composite.split('/').map(Number) as [number, number];
      return { ...item, repositoryId, pullRequestId };
    };
    add(connector, expected, 'projects', truth.projects);
    add(connector, expected, 'repositories', truth.repositories);
    add(connector, expected, 'users', truth.users);
    add(connector, expected, 'commits', perRepository(truth.commits, (id, c) => ({ ...c, repositoryId: Number(id) })));
    add(connector, expected, 'pull_requests', perRepository(truth.pullRequests, (id, p) => ({ ...p, repositoryId: Number(id) })));
    add(connector, expected, 'pull_request_activities', perRepository(truth.activities, pr));
    add(connector, expected, 'pull_request_commits', perRepository(truth.prCommits, pr));
  }
  return expected;
}

/** Reads a merged snapshot (or run folder) into keyed records; a key seen twice in one stream is a duplicate. */
export async function actualRecords(
  readRecords: (dir: string) => AsyncGenerator<{ stream: string; key: string; deleted: boolean; data: unknown }>,
  dir: string,
): Promise<{ records: KeyedRecords; duplicates: string[]; deletionMarkers: number }> {
  const records: KeyedRecords = new Map();
  const duplicates: string[] = [];
  let deletionMarkers = 0;
  for await (const envelope of readRecords(dir)) {
    if (envelope.deleted) {
      deletionMarkers += 1;
      continue;
    }
    const stream = records.get(envelope.stream) ?? new Map<string, unknown>();
    if (stream.has(envelope.key)) duplicates.push(`${envelope.stream} ${envelope.key}`);
    stream.set(envelope.key, envelope.data);
    records.set(envelope.stream, stream);
  }
  return { records, duplicates, deletionMarkers };
}

export interface TruthDiff {
  readonly missing: string[];
  readonly unexpected: string[];
  readonly stale: string[];
  /** Output streams written that the ground truth does not describe (not compared). */
  readonly uncompared: string[];
}

const LIMIT = 20;

/** Differences between expected and actual records (at most 20 of each kind, with totals). */
export function diffRecords(expected: KeyedRecords, actual: KeyedRecords): TruthDiff {
  const missing: string[] = [];
  const unexpected: string[] = [];
  const stale: string[] = [];
  const push = (list: string[], item: string) => {
    if (list.length < LIMIT) list.push(item);
    else if (list.length === LIMIT) list.push('…');
  };
  for (const [stream, records] of expected) {
    const got = actual.get(stream) ?? new Map<string, unknown>();
    for (const [key, truth] of records) {
      if (!got.has(key)) push(missing, `${stream} ${key}`);
      else {
        const field = staleField(truth, got.get(key));
        if (field !== undefined) push(stale, `${stream} ${key} ${field}`);
      }
    }
    for (const key of got.keys()) if (!records.has(key)) push(unexpected, `${stream} ${key}`);
  }
  // Outputs the truth has no counterpart for (derived ones such as Cloud's `commit_details`) are not compared.
  const uncompared = [...actual.keys()].filter((stream) => !expected.has(stream));
  return { missing, unexpected, stale, uncompared };
}

function staleField(truth: unknown, record: unknown): string | undefined {
  if (typeof truth !== 'object' || truth === null || typeof record !== 'object' || record === null) return undefined;
  const t = truth as Record<string, unknown>;
  const r = record as Record<string, unknown>;
  for (const field of VERSION_FIELDS) {
    if (field in t && field in r && JSON.stringify(t[field]) !== JSON.stringify(r[field])) {
      return `${field}: expected ${JSON.stringify(t[field])}, got ${JSON.stringify(r[field])}`;
    }
  }
  return undefined;
}
