/**
 * Honest outcomes: a run is `complete` only when every partition finished. A failed repository listing, a
 * stream that failed in every partition, or some failed partitions make it `failed` or `partial` whatever
 * `maxFailedFraction` says, with a `stopReason` and `failures` that say what failed; failed partitions are
 * remembered in the state and read first by the next run.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { BbsyncError } from '../errors.js';
import { FileStateStore } from '../state/file-state-store.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import type { StateStore } from '../state/types.js';
import { FakeClient, scratchRoot } from './__tests__/fakes.js';
import { runSync } from './engine.js';
import type { PartitionDescriptor, SourceDefinition, StreamDefinition } from './types.js';

let root: string;
let runs = 0;
beforeAll(async () => {
  root = await scratchRoot('bbsync-run-status-');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const REPOS: PartitionDescriptor[] = Array.from({ length: 6 }, (_, i) => ({ key: `{r${i + 1}}`, name: `acme/repo-${i + 1}` }));

interface Behaviour {
  /** The repository listing: provides these repositories, then throws this error (if any). */
  readonly listing?: { provides: number; error?: BbsyncError } | undefined;
  /** Repository keys whose `commits` partition fails, and with what. */
  readonly commitsFail?: ReadonlySet<string> | undefined;
  /** Repository keys whose `pipelines` partition fails (every other one succeeds). */
  readonly pipelinesFail?: ReadonlySet<string> | undefined;
}

/** Records the order `commits` partitions started in. */
function source(behaviour: Behaviour, started: string[] = []): SourceDefinition {
  const serverError = () => new BbsyncError('server_error', 'Internal Server Error', { status: 500 });
  const repositories: StreamDefinition = {
    name: 'repositories',
    scope: 'workspace',
    providesPartitions: true,
    outputs: [{ name: 'repositories', primaryKey: (repo: { key: string }) => repo.key }],
    async read(ctx) {
      const { provides, error } = behaviour.listing ?? { provides: REPOS.length };
      for (const repo of REPOS.slice(0, provides)) {
        await ctx.record('repositories', { key: repo.key });
        ctx.provide(repo);
      }
      if (error !== undefined) throw error;
      return { listed: provides };
    },
  };
  const commits: StreamDefinition = {
    name: 'commits',
    scope: 'repository',
    outputs: [{ name: 'commits', primaryKey: (commit: { id: string }) => commit.id }],
    async read(ctx, repo: PartitionDescriptor) {
      started.push(repo.key);
      if (behaviour.commitsFail?.has(repo.key)) throw serverError();
      await ctx.record('commits', { id: `${repo.key}:c1` });
      return { tip: 'c1' };
    },
  };
  const pipelines: StreamDefinition = {
    name: 'pipelines',
    scope: 'repository',
    outputs: [{ name: 'pipelines', primaryKey: (pipeline: { id: string }) => pipeline.id }],
    async read(ctx, repo: PartitionDescriptor) {
      if (behaviour.pipelinesFail?.has(repo.key)) throw new BbsyncError('invalid_permissions', 'Forbidden', { status: 403 });
      await ctx.record('pipelines', { id: `${repo.key}:p1` });
      return { last: 1 };
    },
  };
  return { kind: 'fake', streams: [repositories, commits, pipelines] };
}

function run(behaviour: Behaviour, state: StateStore, extra: { started?: string[]; maxFailedFraction?: number; concurrency?: number } = {}) {
  runs += 1;
  return runSync({
    source: source(behaviour, extra.started),
    config: {},
    client: new FakeClient(),
    state,
    outputDir: join(root, `run-${runs}`),
    clock: new ManualClock(Date.parse('2026-03-01T00:00:00Z') + runs * 60_000),
    concurrency: extra.concurrency ?? 2,
    ...(extra.maxFailedFraction === undefined ? {} : { maxFailedFraction: extra.maxFailedFraction }),
  });
}

describe('run status', () => {
  it('a repository listing that failed makes the run failed, even when every partition it found succeeded', async () => {
    for (const provides of [0, 2]) {
      const manifest = await run({ listing: { provides, error: new BbsyncError('server_error', 'Internal Server Error', { status: 500 }) } }, new MemoryStateStore({ scope: 'fake' }));
      expect(manifest.status).toBe('failed');
      expect(manifest.stopReason).toMatch(/(^|: )the repositories listing failed \(server_error\): the streams that depend on it did not run over every partition$/);
      expect(manifest.failures).toEqual([{ stream: 'repositories', failed: 1, done: 0, codes: ['server_error'], whole: 'listing' }]);
    }
  });

  it('a stream that failed in every partition makes the run failed, though under maxFailedFraction', async () => {
    const manifest = await run({ pipelinesFail: new Set(REPOS.map((repo) => repo.key)) }, new MemoryStateStore({ scope: 'fake' }), { maxFailedFraction: 0.9 });
    // 6 of 13 partitions failed: under the threshold, yet no pipeline was read at all.
    expect(manifest.status).toBe('failed');
    expect(manifest.stopReason).toBe('pipelines failed in every partition (6 of 6) (invalid_permissions)');
    expect(manifest.failures).toEqual([{ stream: 'pipelines', failed: 6, done: 0, codes: ['invalid_permissions'], whole: 'everywhere' }]);
  });

  it('some failed partitions make the run partial, naming the streams', async () => {
    const manifest = await run({ commitsFail: new Set(['{r2}']), pipelinesFail: new Set(['{r4}', '{r5}']) }, new MemoryStateStore({ scope: 'fake' }));
    expect(manifest.status).toBe('partial');
    expect(manifest.stopReason).toBe('commits failed in 1 of 6 partitions (server_error); pipelines failed in 2 of 6 partitions (invalid_permissions)');
    expect(manifest.failures).toEqual([
      { stream: 'commits', failed: 1, done: 5, codes: ['server_error'] },
      { stream: 'pipelines', failed: 2, done: 4, codes: ['invalid_permissions'] },
    ]);
  });

  it('remembers failed partitions in the state file and reads them first next run; a success clears them', async () => {
    const statePath = join(root, 'state-retry', 'state.json');
    const state = await FileStateStore.open(statePath, 'fake');
    const first = await run({ commitsFail: new Set(['{r4}', '{r6}']) }, state);
    expect(first.status).toBe('partial');
    const written = JSON.parse(readFileSync(statePath, 'utf8')) as { failed?: { stream: string; partition: string; code: string }[] };
    expect(written.failed?.map(({ stream, partition, code }) => ({ stream, partition, code }))).toEqual([
      { stream: 'commits', partition: '{r4}', code: 'server_error' },
      { stream: 'commits', partition: '{r6}', code: 'server_error' },
    ]);

    // A fresh store reads the marks back from the file; the failed partitions start first, in failure order.
    const started: string[] = [];
    const second = await run({}, await FileStateStore.open(statePath, 'fake'), { started, concurrency: 1 });
    expect(second.status).toBe('complete');
    expect(started.slice(0, 2)).toEqual(['{r4}', '{r6}']);
    expect(new Set(started)).toEqual(new Set(REPOS.map((repo) => repo.key)));
    expect((JSON.parse(readFileSync(statePath, 'utf8')) as { failed?: unknown }).failed).toBeUndefined();
  });

  it('a stopped run with failed partitions reports the failure (and still says it stopped)', async () => {
    const controller = new AbortController();
    const state = new MemoryStateStore({ scope: 'fake' });
    runs += 1;
    const behaviour = source({ commitsFail: new Set(['{r1}']) });
    const commits = behaviour.streams[1] as StreamDefinition;
    const stopping: StreamDefinition = {
      ...commits,
      async read(ctx, repo) {
        const result = await commits.read(ctx, repo);
        if (repo.key === '{r2}') controller.abort();
        return result;
      },
    };
    const manifest = await runSync({
      source: { kind: 'fake', streams: [behaviour.streams[0] as StreamDefinition, stopping] },
      config: {},
      client: new FakeClient(),
      state,
      outputDir: join(root, `run-${runs}`),
      clock: new ManualClock(),
      concurrency: 1,
      signal: controller.signal,
    });
    expect(manifest.status).toBe('partial');
    expect(manifest.stopReason).toBe('commits failed in 1 of 2 partitions (server_error); the run was cancelled');
    expect(manifest.remaining.length).toBeGreaterThan(0);
  });
});
