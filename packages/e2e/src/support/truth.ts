/**
 * The end-to-end oracle: the simulator's ground truth turned into the records a sync must write, by the
 * hand-written expected-output spec of `expected-output.ts` (not by the connectors' own field lists or keys),
 * compared with a merged snapshot record by record on FULL content: no record missing, none extra, none
 * duplicated, every field equal. Cloud's `hash_full` annotations are checked against the simulator's commits
 * (40 characters, extending the short hash, a commit of that repository), and `commit_details` against the
 * commits the simulator serves for the source tips of pull requests whose branch is gone.
 *
 * One documented exception: an open Data Center pull request's `toRef.latestCommit` is the target branch's tip,
 * which moves without touching the pull request's `updatedDate` or `version` (datacenter README, Known limits).
 */
import type { ApiObject, CloudTruth, DataCenterTruth, Simulator } from './sim-types.js';
import type { ApiKind } from './sync-job.js';
import { cloudKey, cloudRecord, dataCenterKey, dataCenterRecord } from './expected-output.js';

/** The reserved stream of partition tombstones (core's DELETED_PARTITIONS_STREAM, restated: the oracle names it itself). */
const DELETED_PARTITIONS = '_deleted_partitions';

/** Records per output stream, by the oracle's own key. */
export type KeyedRecords = Map<string, Map<string, ApiObject>>;

function put(into: KeyedRecords, stream: string, key: string, record: ApiObject): void {
  const keyed = into.get(stream) ?? new Map<string, ApiObject>();
  keyed.set(key, record);
  into.set(stream, keyed);
}

/** The oracle's key of a record of `api`. */
export function recordKey(api: ApiKind, stream: string, record: ApiObject): string {
  if (stream === DELETED_PARTITIONS) return String(record.partition);
  return api === 'cloud' ? cloudKey(stream, record) : dataCenterKey(stream, record);
}

/** Per-pull-request truth keys: Cloud `${uuid}#${id}`, Data Center `${repositoryId}/${id}`. */
function* perPullRequest(map: Readonly<Record<string, readonly ApiObject[]>>, separator: string): Generator<[string, string, ApiObject]> {
  for (const [composite, items] of Object.entries(map)) {
    const cut = composite.lastIndexOf(separator);
    for (const item of items) yield [composite.slice(0, cut), composite.slice(cut + 1), item];
  }
}

/** The full commit object the simulator serves (retried: a test's faults may still be switched on). */
async function simulatorCommit(sim: Simulator, fullName: string, hash: string): Promise<ApiObject | undefined> {
  const token = sim.cloud.credentials.workspaceToken?.config.accessToken;
  const url = `${sim.cloud.baseUrl}/repositories/${fullName.split('/').map(encodeURIComponent).join('/')}/commit/${encodeURIComponent(hash)}`;
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token ?? ''}` }, signal: AbortSignal.timeout(2_000) });
      if (response.status === 404) return undefined;
      if (response.ok) return (await response.json()) as ApiObject;
    } catch {
      // A reset, stall or malformed body injected by the test's faults: ask again.
    }
  }
  throw new Error(`the simulator did not serve commit ${hash} of ${fullName}`);
}

/** What the oracle knows about the commits of the Cloud truth: full hashes per repository. */
export interface CloudCommitIndex {
  /** Every commit hash the simulator names per repository uuid (default branch, pull requests, gone tips). */
  readonly known: Map<string, Set<string>>;
}

export interface ExpectedOutput {
  readonly records: KeyedRecords;
  readonly commits: CloudCommitIndex;
  /** Partition keys of the live repositories (Cloud uuid, Data Center id): no tombstone may name one. */
  readonly liveRepositories: ReadonlySet<string>;
}

/** The ground truth of `api` as the records a full sync must write, with the Cloud commit index. */
export async function expectedRecords(api: ApiKind, sim: Simulator): Promise<ExpectedOutput> {
  const records: KeyedRecords = new Map();
  const known = new Map<string, Set<string>>();
  const learn = (repo: string, hash: unknown) => {
    if (typeof hash !== 'string') return;
    const set = known.get(repo) ?? new Set<string>();
    set.add(hash);
    known.set(repo, set);
  };
  if (api === 'cloud') {
    const truth: CloudTruth = sim.cloud.groundTruth();
    const add = (stream: string, object: ApiObject, placement: ApiObject) => {
      const record = cloudRecord(stream, object, placement);
      put(records, stream, cloudKey(stream, record), record);
    };
    for (const repository of truth.repositories) add('repositories', repository, {});
    for (const member of truth.members) add('workspace_members', member, {});
    for (const [repository_uuid, prs] of Object.entries(truth.pullrequests)) for (const pr of prs) add('pull_requests', pr, { repository_uuid });
    for (const [repository_uuid, id, item] of perPullRequest(truth.activity, '#')) add('pull_request_activity', item, { repository_uuid, pull_request_id: Number(id) });
    for (const [repository_uuid, id, item] of perPullRequest(truth.comments, '#')) add('pull_request_comments', item, { repository_uuid, pull_request_id: Number(id) });
    for (const [repository_uuid, id, item] of perPullRequest(truth.prCommits, '#')) {
      add('pull_request_commits', item, { repository_uuid, pull_request_id: Number(id) });
      learn(repository_uuid, item.hash);
    }
    for (const [repository_uuid, commits] of Object.entries(truth.commits)) {
      for (const commit of commits) {
        add('commits', commit, { repository_uuid });
        learn(repository_uuid, commit.hash);
      }
    }
    for (const [repository_uuid, pipelines] of Object.entries(truth.pipelines)) for (const p of pipelines) add('pipelines', p, { repository_uuid });
    // commit_details: the source tip of each pull request whose commits Bitbucket no longer lists (branch gone).
    const names = new Map(truth.repositories.map((r) => [String(r.uuid), String(r.full_name)]));
    for (const [repository_uuid, prs] of Object.entries(truth.pullrequests)) {
      for (const pr of prs) {
        const listed = truth.prCommits[`${repository_uuid}#${String(pr.id)}`] ?? [];
        const tip = (pr.source as { commit?: { hash?: string } } | undefined)?.commit?.hash;
        if (listed.length > 0 || tip === undefined) continue;
        const commit = await simulatorCommit(sim, names.get(repository_uuid) ?? '', tip);
        if (commit === undefined) continue;
        add('commit_details', commit, { repository_uuid });
        learn(repository_uuid, commit.hash);
      }
    }
  } else {
    const truth: DataCenterTruth = sim.datacenter.groundTruth();
    const add = (stream: string, object: ApiObject, placement: ApiObject) => {
      const record = dataCenterRecord(stream, object, placement);
      put(records, stream, dataCenterKey(stream, record), record);
    };
    for (const project of truth.projects) add('projects', project, {});
    for (const repository of truth.repositories) add('repositories', repository, {});
    for (const user of truth.users) add('users', user, {});
    for (const [id, commits] of Object.entries(truth.commits)) for (const c of commits) add('commits', c, { repositoryId: Number(id) });
    for (const [id, prs] of Object.entries(truth.pullRequests)) for (const p of prs) add('pull_requests', p, { repositoryId: Number(id) });
    for (const [repo, pr, item] of perPullRequest(truth.activities, '/')) add('pull_request_activities', item, { repositoryId: Number(repo), pullRequestId: Number(pr) });
    for (const [repo, pr, item] of perPullRequest(truth.prCommits, '/')) add('pull_request_commits', item, { repositoryId: Number(repo), pullRequestId: Number(pr) });
  }
  const repositories = api === 'cloud' ? sim.cloud.groundTruth().repositories.map((r) => String(r.uuid)) : sim.datacenter.groundTruth().repositories.map((r) => String(r.id));
  return { records, commits: { known }, liveRepositories: new Set(repositories) };
}

/** Reads a merged snapshot (or run folder) into records keyed by the oracle; a key seen twice in one stream is a duplicate. */
export async function actualRecords(
  api: ApiKind,
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
    const data = envelope.data as ApiObject;
    const key = recordKey(api, envelope.stream, data);
    if (records.get(envelope.stream)?.has(key) === true) duplicates.push(`${envelope.stream} ${key}`);
    put(records, envelope.stream, key, data);
  }
  return { records, duplicates, deletionMarkers };
}

export interface TruthDiff {
  readonly missing: string[];
  readonly unexpected: string[];
  /** Records whose content differs from the truth: the JSON paths that differ, with both values. */
  readonly stale: string[];
  /** Output streams written that the oracle has no spec for (not compared). */
  readonly uncompared: string[];
}

const LIMIT = 20;

/** Differences between expected and actual records (at most 20 of each kind). */
export function diffRecords(api: ApiKind, expected: ExpectedOutput, actual: KeyedRecords): TruthDiff {
  const missing: string[] = [];
  const unexpected: string[] = [];
  const stale: string[] = [];
  const push = (list: string[], item: string) => {
    if (list.length < LIMIT) list.push(item);
    else if (list.length === LIMIT) list.push('…');
  };
  for (const [stream, records] of expected.records) {
    const got = actual.get(stream) ?? new Map<string, ApiObject>();
    for (const [key, truthAsSimulatorRendered] of records) {
      const found = got.get(key);
      if (found === undefined) {
        push(missing, `${stream} ${key}`);
        continue;
      }
      const record = withLoopbackOrigin(found);
      const truth = withLoopbackOrigin(truthAsSimulatorRendered);
      const problems =
        api === 'cloud' && stream === 'pull_requests'
          ? [...hashFullProblems(record, expected.commits), ...differingPaths(withoutHashFull(record), truth)]
          : api === 'datacenter' && stream === 'pull_requests'
            ? differingPaths(withoutLiveTargetTip(record), withoutLiveTargetTip(truth))
            : differingPaths(record, truth);
      for (const problem of problems) push(stale, `${stream} ${key} ${problem}`);
    }
    for (const key of got.keys()) if (!records.has(key)) push(unexpected, `${stream} ${key}`);
  }
  // Tombstones of deleted repositories: each names a repository that is gone and the output it was deleted from.
  const tombstones = actual.get(DELETED_PARTITIONS) ?? new Map<string, ApiObject>();
  for (const [key, tombstone] of tombstones) {
    if (expected.liveRepositories.has(String(tombstone.partition)) || tombstone.deletedFrom !== 'repositories') push(unexpected, `${DELETED_PARTITIONS} ${key} ${JSON.stringify(tombstone)}`);
  }
  const uncompared = [...actual.keys()].filter((stream) => !expected.records.has(stream) && stream !== DELETED_PARTITIONS);
  // Every Cloud stream has a spec (commit_details included); one without is a new output the oracle must learn.
  for (const stream of uncompared) push(unexpected, `${stream} (an output the oracle has no spec for)`);
  return { missing, unexpected, stale, uncompared };
}

/**
 * The simulator renders links with the origin a request came to: a run through a test proxy stores the proxy's
 * origin. Which loopback port served a run is the test's wiring, not data, so both sides name it alike.
 */
function withLoopbackOrigin(record: ApiObject): ApiObject {
  return JSON.parse(JSON.stringify(record).replaceAll(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:PORT')) as ApiObject;
}

/** The JSON paths where two values differ, each with both values. */
export function differingPaths(actual: unknown, expected: unknown, path = '$'): string[] {
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
  if (isObject(actual) && isObject(expected) && Array.isArray(actual) === Array.isArray(expected)) {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    if (Array.isArray(actual) && Array.isArray(expected) && actual.length !== expected.length) return [`${path}: ${actual.length} items, expected ${expected.length}`];
    return [...keys].flatMap((key) => differingPaths(actual[key], expected[key], `${path}.${key}`));
  }
  return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`${path}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`];
}

const COMMIT_REFS = ['source', 'destination', 'merge_commit'] as const;

function refOf(pr: ApiObject, which: (typeof COMMIT_REFS)[number]): ApiObject | undefined {
  const holder = pr[which] as ApiObject | undefined | null;
  if (holder === undefined || holder === null) return undefined;
  return which === 'merge_commit' ? holder : ((holder.commit as ApiObject | undefined | null) ?? undefined);
}

function withoutHashFull(pr: ApiObject): ApiObject {
  const copy = structuredClone(pr);
  for (const which of COMMIT_REFS) delete refOf(copy, which)?.hash_full;
  return copy;
}

/**
 * `hash_full` beside a pull request's short commit hashes: where present it must be the 40-character hash of a
 * commit the simulator has in that repository and extend the short one; the merge commit (a default-branch
 * commit) and the source tip (a pull request commit, or a gone branch's commit_details) must be resolved.
 */
function hashFullProblems(pr: ApiObject, commits: CloudCommitIndex): string[] {
  const problems: string[] = [];
  const known = commits.known.get(String(pr.repository_uuid)) ?? new Set<string>();
  for (const which of COMMIT_REFS) {
    const ref = refOf(pr, which);
    if (ref === undefined) continue;
    const short = String(ref.hash);
    const full = ref.hash_full;
    const resolvable = [...known].some((hash) => hash.startsWith(short));
    if (full === undefined) {
      if (which !== 'destination' && resolvable) problems.push(`${which} hash_full missing (${short} is a known commit)`);
      continue;
    }
    if (typeof full !== 'string' || full.length !== 40 || !full.startsWith(short) || !known.has(full)) {
      problems.push(`${which} hash_full ${JSON.stringify(full)} is not the simulator's commit ${short}`);
    }
  }
  return problems;
}

function withoutLiveTargetTip(value: ApiObject): ApiObject {
  const pr = value as { state?: string; toRef?: ApiObject };
  if (pr.state !== 'OPEN' || pr.toRef === undefined) return value;
  const { latestCommit: _live, ...toRef } = pr.toRef;
  return { ...value, toRef };
}
