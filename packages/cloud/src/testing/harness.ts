/**
 * Test harness: a simulator, the real connector client (real HTTP), the real engine, real run folders, merged
 * snapshots, and the simulator's ground truth mapped onto bbsync's primary keys.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStateStore, mergeRuns, parseCredentials, readRecords, runSync, type ApiClient, type RunManifest, type StateStore, type SyncState } from '@bbsync/core';
import { startSimulator, type Simulator, type SimOptions, type CloudTruth } from '@bbsync/simulator';
import { cloudConnector } from '../connector.js';
import type { CloudConfig } from '../config.js';
import { ACTIVITY_FIELDS, COMMENT_FIELDS, COMMIT_FIELDS, PIPELINE_FIELDS, PULL_REQUEST_FIELDS, REPOSITORY_FIELDS } from '../fields.js';
import { project } from '../project.js';
import { memberFields } from '../streams/workspace-members.js';
import { activityKey } from '../streams/pull-requests/keys.js';

export type Records = Map<string, Map<string, Record<string, unknown>>>;

export interface Harness {
  readonly sim: Simulator;
  readonly config: CloudConfig;
  readonly client: ApiClient;
  readonly state: StateStore;
  readonly dirs: string[];
  /** Runs one sync; returns the manifest and the requests the simulator counted (API only). */
  run(options?: { streams?: readonly string[]; startDate?: Date; maxRequests?: number }): Promise<{ manifest: RunManifest; requests: number; byEndpoint: Record<string, number> }>;
  /** Merges every run so far into a snapshot and reads it: stream -> key -> data. */
  snapshot(): Promise<Records>;
  close(): Promise<void>;
}

export async function startHarness(options: SimOptions & { config?: Record<string, unknown>; credential?: string } = {}): Promise<Harness> {
  const sim = await startSimulator({ size: 'tiny', ...options });
  const root = await mkdtemp(join(tmpdir(), 'bbsync-cloud-'));
  const config = cloudConnector.parseConfig({ workspace: sim.cloud.workspace, baseUrl: sim.cloud.baseUrl, ...options.config });
  const sample = sim.cloud.credentials[options.credential ?? 'workspaceToken'];
  if (sample === undefined) throw new Error(`no sample credential ${options.credential}`);
  const credentials = parseCredentials([sample.config]);
  const client = cloudConnector.createClient(config, credentials, { concurrency: 4 });
  const state = new MemoryStateStore({ scope: cloudConnector.scope(config) });
  const dirs: string[] = [];
  let runs = 0;
  return {
    sim,
    config,
    client,
    state,
    dirs,
    async run(runOptions = {}) {
      const dir = join(root, `run-${++runs}`);
      sim.cloud.resetCounters();
      const manifest = await runSync({
        source: cloudConnector.source,
        config,
        client,
        state,
        outputDir: dir,
        gzip: false,
        ...(runOptions.streams ? { streams: runOptions.streams } : {}),
        ...(runOptions.startDate ? { startDate: runOptions.startDate } : {}),
        ...(runOptions.maxRequests ? { budgets: { maxRequests: runOptions.maxRequests } } : {}),
      });
      dirs.push(dir);
      const counters = sim.cloud.counters();
      return { manifest, requests: counters.total, byEndpoint: counters.byEndpoint };
    },
    async snapshot() {
      const out = join(root, `snapshot-${runs}-${Math.random().toString(36).slice(2)}`);
      await mergeRuns({ inputs: dirs, outputDir: out, gzip: false });
      const records: Records = new Map();
      for await (const envelope of readRecords(out)) {
        let stream = records.get(envelope.stream);
        if (!stream) records.set(envelope.stream, (stream = new Map()));
        stream.set(envelope.key, envelope.data as Record<string, unknown>);
      }
      return records;
    },
    async close() {
      await (client as { close?: () => Promise<void> }).close?.();
      await sim.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The ground truth as bbsync would store it: stream -> key -> record (projected on the stored fields). */
export function expectedRecords(truth: CloudTruth, config: CloudConfig): Records {
  const out: Records = new Map();
  const put = (stream: string, key: string, value: unknown) => {
    let map = out.get(stream);
    if (!map) out.set(stream, (map = new Map()));
    map.set(key, value as Record<string, unknown>);
  };
  const repositories = truth.repositories as Record<string, unknown>[];
  for (const repository of repositories) put('repositories', String(repository.uuid), project(repository, REPOSITORY_FIELDS));
  const memberWhitelist = memberFields(config.memberEmails).split(',').filter((field) => field !== 'next').map((field) => field.replace(/^values\./, ''));
  for (const member of truth.members) put('workspace_members', String((member.user as { uuid: string }).uuid), project(member, memberWhitelist));
  for (const [repositoryUuid, commits] of Object.entries(truth.commits)) {
    for (const commit of commits) put('commits', `${repositoryUuid}:${String(commit.hash)}`, { ...(project(commit, COMMIT_FIELDS) as object), repository_uuid: repositoryUuid });
  }
  for (const [repositoryUuid, pullRequests] of Object.entries(truth.pullrequests)) {
    for (const pr of pullRequests) {
      const id = pr.id as number;
      put('pull_requests', `${repositoryUuid}:${id}`, { ...(project(pr, PULL_REQUEST_FIELDS) as object), repository_uuid: repositoryUuid });
      const key = `${repositoryUuid}#${id}`;
      for (const item of truth.activity[key] ?? []) {
        const record = { ...(project(item, ACTIVITY_FIELDS) as object), repository_uuid: repositoryUuid, pull_request_id: id };
        put('pull_request_activity', activityKey(record as never), record);
      }
      for (const comment of truth.comments[key] ?? []) {
        put('pull_request_comments', `${repositoryUuid}:${String(comment.id)}`, { ...(project(comment, COMMENT_FIELDS) as object), repository_uuid: repositoryUuid, pull_request_id: id });
      }
      for (const commit of truth.prCommits[key] ?? []) {
        put('pull_request_commits', `${repositoryUuid}:${id}:${String(commit.hash)}`, {
          ...(project(commit, COMMIT_FIELDS) as object),
          repository_uuid: repositoryUuid,
          pull_request_id: id,
        });
      }
    }
  }
  for (const [repositoryUuid, pipelines] of Object.entries(truth.pipelines)) {
    for (const pipeline of pipelines) put('pipelines', `${repositoryUuid}:${String(pipeline.uuid)}`, { ...(project(pipeline, PIPELINE_FIELDS) as object), repository_uuid: repositoryUuid });
  }
  return out;
}

/** Removes what bbsync adds beside Bitbucket's fields (`hash_full`), for comparison with the API's shape. */
export function withoutAdditions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutAdditions);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'hash_full').map(([key, child]) => [key, withoutAdditions(child)]));
}

/** Differences between synced and expected records of one stream, described for an assertion message. */
export function differences(actual: Map<string, Record<string, unknown>> | undefined, expected: Map<string, Record<string, unknown>> | undefined): string[] {
  const problems: string[] = [];
  const a = actual ?? new Map();
  const e = expected ?? new Map();
  for (const key of e.keys()) if (!a.has(key)) problems.push(`missing ${key}`);
  for (const key of a.keys()) if (!e.has(key)) problems.push(`unexpected ${key}`);
  for (const [key, value] of e) {
    const got = a.get(key);
    if (got === undefined) continue;
    if (JSON.stringify(sortKeys(withoutAdditions(got))) !== JSON.stringify(sortKeys(value))) {
      problems.push(`differs ${key}: got ${JSON.stringify(sortKeys(withoutAdditions(got)))} expected ${JSON.stringify(sortKeys(value))}`);
    }
  }
  return problems;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
}

export type { SyncState };
