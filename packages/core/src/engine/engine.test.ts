import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { BbsyncError, isBbsyncError } from '../errors.js';
import { MemoryLogger } from '../logger.js';
import { mergeRuns } from '../output/merge.js';
import { safePartitionName } from '../output/safe-name.js';
import type { RunManifest } from '../output/types.js';
import { FileStateStore } from '../state/file-state-store.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { aborted, allRecords, FakeClient, scratchRoot } from './__tests__/fakes.js';
import { runSync } from './engine.js';
import { shardOf } from './shard.js';
import type { PartitionContext, PartitionDescriptor, ProgressEvent, SourceDefinition, StreamDefinition, SyncOptions } from './types.js';

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await scratchRoot('bbsync-engine-');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
function runDir(): string {
  counter += 1;
  return join(root, `run-${counter}`);
}

const REPOS: PartitionDescriptor[] = [
  { key: '{r1}', name: 'acme/one' },
  { key: '{r2}', name: 'acme/two' },
  { key: '{r3}', name: 'acme/three' },
  { key: '{r4}', name: 'acme/four' },
];

type PullRequestRead = (ctx: PartitionContext, repo: PartitionDescriptor) => Promise<unknown>;

/** Reads three pull requests (one request each) and a comment per pull request when comments are wanted. */
const defaultPullRequests: PullRequestRead = async (ctx, repo) => {
  for (let i = 1; i <= 3; i++) {
    await ctx.client.request({ url: `/repositories/${repo.name}/pullrequests/${i}`, signal: ctx.signal });
    await ctx.record('pull_requests', { id: `${repo.key}:${i}`, title: `PR ${i}` });
    if (ctx.wants('pr_comments')) await ctx.record('pr_comments', { id: `${repo.key}:${i}:c`, body: 'lgtm' });
  }
  return { updatedOn: '2026-01-03', seen: 3 };
};

interface FakeSource {
  readonly source: SourceDefinition;
  /** Cursors each pull-request read received, by repository key, in call order. */
  readonly cursorsSeen: Map<string, unknown[]>;
}

function fakeSource(options: { repos?: PartitionDescriptor[]; pullRequests?: Record<string, PullRequestRead>; members?: StreamDefinition['read'] } = {}): FakeSource {
  const repos = options.repos ?? REPOS;
  const cursorsSeen = new Map<string, unknown[]>();
  const repositories: StreamDefinition = {
    name: 'repositories',
    scope: 'workspace',
    providesPartitions: true,
    outputs: [{ name: 'repositories', primaryKey: (repo: { uuid: string }) => repo.uuid }],
    read: async (ctx) => {
      await ctx.client.request({ url: '/repositories/acme', signal: ctx.signal });
      for (const repo of repos) {
        await ctx.record('repositories', { uuid: repo.key, full_name: repo.name });
        ctx.provide(repo);
        ctx.provide({ ...repo, name: 'duplicate is ignored' });
      }
      return { listedAt: '2026-01-03' };
    },
  };
  const members: StreamDefinition = {
    name: 'members',
    scope: 'workspace',
    outputs: [{ name: 'members', primaryKey: (member: { id: string }) => member.id }],
    read:
      options.members ??
      (async (ctx) => {
        await ctx.record('members', { id: 'u1' });
        return undefined;
      }),
  };
  const pullRequests: StreamDefinition = {
    name: 'pull_requests',
    scope: 'repository',
    outputs: [
      { name: 'pull_requests', primaryKey: (pr: { id: string }) => pr.id },
      { name: 'pr_comments', primaryKey: (comment: { id: string }) => comment.id },
    ],
    read: async (ctx, repo: PartitionDescriptor) => {
      cursorsSeen.set(repo.key, [...(cursorsSeen.get(repo.key) ?? []), ctx.cursor]);
      return (options.pullRequests?.[repo.key] ?? defaultPullRequests)(ctx, repo);
    },
  };
  return { source: { kind: 'fake', streams: [repositories, members, pullRequests] }, cursorsSeen };
}

function options(source: SourceDefinition, overrides: Partial<SyncOptions> = {}): SyncOptions {
  return {
    source,
    config: {},
    client: new FakeClient(),
    state: new MemoryStateStore({ scope: 'fake:acme' }),
    outputDir: runDir(),
    clock: new ManualClock(),
    ...overrides,
  };
}

function partials(dir: string): string[] {
  const streams = join(dir, 'streams');
  if (!existsSync(streams)) return [];
  return readdirSync(streams, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.partial'));
}

function keysOf(records: { stream: string; key: string }[], stream: string): string[] {
  return records
    .filter((record) => record.stream === stream)
    .map((record) => record.key)
    .sort();
}

describe('runSync', () => {
  it('syncs every stream, commits cursors with their outputs and writes the manifest and state', async () => {
    const { source } = fakeSource();
    const state = new MemoryStateStore({ scope: 'fake:acme' });
    const events: ProgressEvent[] = [];
    const logger = new MemoryLogger();
    const opts = options(source, { state, onProgress: (event) => events.push(event), logger, runId: 'run-1' });
    const manifest = await runSync(opts);

    expect(manifest.status).toBe('complete');
    expect(manifest.streams.pull_requests).toMatchObject({ records: 12, deleted: 0, partitions: 4, failedPartitions: 0, requests: 12 });
    expect(manifest.streams.pr_comments).toMatchObject({ records: 12, partitions: 4 });
    expect(manifest.streams.repositories).toMatchObject({ records: 4, partitions: 1, requests: 1 });
    expect(manifest.streams.members).toMatchObject({ records: 1 });
    expect(manifest.requests.total).toBe(13);
    expect(manifest.requests.byCredential).toEqual([{ index: 0, label: 'bot', requests: 13 }]);
    expect(manifest.remaining).toEqual([]);
    expect(manifest.errors).toEqual([]);
    expect(manifest.files.pull_requests).toHaveLength(4);
    expect(manifest.cursorsBefore).toEqual({});
    expect(manifest.cursorsAfter).toEqual({
      repositories: { '': { listedAt: '2026-01-03' } },
      pull_requests: Object.fromEntries(REPOS.map((repo) => [repo.key, { updatedOn: '2026-01-03', seen: 3 }])),
    });
    expect(state.get('pull_requests', '{r1}')).toMatchObject({ outputs: ['pull_requests', 'pr_comments'], partition: REPOS[0] });
    expect(state.get('members', '')).toBeUndefined(); // its read returned no cursor

    expect(JSON.parse(readFileSync(join(opts.outputDir, 'manifest.json'), 'utf8'))).toEqual(manifest);
    expect(JSON.parse(readFileSync(join(opts.outputDir, 'state.json'), 'utf8'))).toEqual(state.snapshot());
    const records = await allRecords(opts.outputDir);
    expect(keysOf(records, 'pull_requests')).toHaveLength(12);
    expect(records.find((record) => record.stream === 'pull_requests')).toMatchObject({ partition: expect.stringMatching(/^\{r\d\}$/), deleted: false });

    expect(events.filter((event) => event.type === 'partition_done')).toHaveLength(6);
    const last = events.filter((event) => event.type === 'partition_done').at(-1);
    expect(last).toMatchObject({ partitionsDone: 6, partitionsTotal: 6, etaMs: 0, requests: 13 });
    expect(events.some((event) => event.type === 'stream_done' && event.stream === 'pull_requests')).toBe(true);
    expect(logger.entries.some((entry) => entry.message === 'run finished')).toBe(true);
  });

  it('runs only the definitions of the selected outputs, plus partition providers', async () => {
    const { source } = fakeSource();
    const opts = options(source, { streams: ['pull_requests'] });
    const manifest = await runSync(opts);
    expect(Object.keys(manifest.streams)).toEqual(['pull_requests']);
    expect(Object.keys(manifest.definitions ?? {})).toEqual(['repositories', 'pull_requests']);
    const records = await allRecords(opts.outputDir);
    expect(new Set(records.map((record) => record.stream))).toEqual(new Set(['pull_requests']));
  });

  it('refuses unknown streams, bad options and a used run folder before reading anything', async () => {
    const { source } = fakeSource();
    const opts = options(source, { streams: ['pull_requests', 'pullrequests'] });
    await expect(runSync(opts)).rejects.toSatisfy(
      (error: unknown) =>
        isBbsyncError(error, 'config_error') &&
        error.field === 'streams' &&
        error.message.includes('"pullrequests"') &&
        error.message.includes('repositories, members, pull_requests, pr_comments'),
    );
    expect(existsSync(opts.outputDir)).toBe(false);
    await expect(runSync(options(source, { concurrency: 0 }))).rejects.toSatisfy((error: unknown) => isBbsyncError(error, 'config_error'));
    await expect(runSync(options(source, { shard: { index: 3, count: 2 } }))).rejects.toSatisfy((error: unknown) => isBbsyncError(error, 'config_error'));
    const used = options(source);
    await runSync(used);
    await expect(runSync({ ...used })).rejects.toSatisfy((error: unknown) => isBbsyncError(error, 'config_error') && error.field === 'outputDir');
  });

  it('makes records durable before committing their cursor', async () => {
    const checks: string[] = [];
    const written = new Map<string, string[]>();
    let dir = '';
    class CheckingStore extends MemoryStateStore {
      override async commit(stream: string, key: string, cursor: unknown, partition?: unknown, outputs?: readonly string[]): Promise<void> {
        if (stream === 'pull_requests') {
          // Inside the commit: every record written before it is already in a finished segment on disk.
          const durable = new Set((await allRecords(dir)).map((record) => record.key));
          for (const id of written.get(key) ?? []) expect(durable.has(id), `${id} durable before commit`).toBe(true);
          expect(partials(dir).filter((file) => file.includes(safePartitionName(partition as PartitionDescriptor)))).toEqual([]);
          checks.push(`${key}@${JSON.stringify(cursor)}`);
        }
        return super.commit(stream, key, cursor, partition, outputs);
      }
    }
    const read: PullRequestRead = async (ctx, repo) => {
      for (let i = 1; i <= 4; i++) {
        await ctx.record('pull_requests', { id: `${repo.key}:${i}` });
        written.set(repo.key, [...(written.get(repo.key) ?? []), `${repo.key}:${i}`]);
        if (i % 2 === 0) await ctx.checkpoint({ upTo: i });
      }
      await ctx.record('pull_requests', { id: `${repo.key}:5` });
      written.set(repo.key, [...(written.get(repo.key) ?? []), `${repo.key}:5`]);
      return { upTo: 5 };
    };
    const { source } = fakeSource({ pullRequests: Object.fromEntries(REPOS.map((repo) => [repo.key, read])) });
    const opts = options(source, { state: new CheckingStore({ scope: 'fake:acme' }), streams: ['pull_requests'], concurrency: 2 });
    dir = opts.outputDir;
    const manifest = await runSync(opts);
    expect(manifest.status).toBe('complete');
    expect(checks).toHaveLength(12);
    expect(manifest.files.pull_requests).toHaveLength(12); // three segments per partition: .1 .2 .3
  });

  it('isolates failing partitions: error recorded, segments removed, cursor untouched, the rest goes on', async () => {
    const failing: PullRequestRead = async (ctx, repo) => {
      await ctx.record('pull_requests', { id: `${repo.key}:1` });
      await ctx.record('pr_comments', { id: `${repo.key}:1:c` });
      throw new BbsyncError('invalid_permissions', 'Forbidden', { status: 403, path: `/repositories/${repo.name}/pullrequests` });
    };
    const crashing: PullRequestRead = async (ctx, repo) => {
      await ctx.record('pull_requests', { id: `${repo.key}:1` });
      throw new Error('boom');
    };
    const { source } = fakeSource({ pullRequests: { '{r2}': failing, '{r3}': crashing } });
    const state = new MemoryStateStore({ scope: 'fake:acme' });
    await state.commit('pull_requests', '{r2}', { updatedOn: 'old' }, REPOS[1], ['pull_requests', 'pr_comments']);
    const opts = options(source, { state, maxFailedFraction: 0.5 });
    const manifest = await runSync(opts);

    // 2 of 6 partitions failed: not more than half, so not `failed`; but not `complete` either.
    expect(manifest.status).toBe('partial');
    expect(manifest.stopReason).toBe('pull_requests failed in 2 of 4 partitions (bad_response, invalid_permissions)');
    expect([...manifest.errors].sort((a, b) => a.partition.localeCompare(b.partition))).toEqual([
      expect.objectContaining({ stream: 'pull_requests', partition: 'acme/three', code: 'bad_response', message: 'boom' }),
      expect.objectContaining({ stream: 'pull_requests', partition: 'acme/two', code: 'invalid_permissions', status: 403, message: 'Forbidden', hint: expect.stringMatching(/scope or permission/) }),
    ]);
    expect(manifest.streams.pull_requests).toMatchObject({ records: 6, partitions: 2, failedPartitions: 2 });
    expect(state.get('pull_requests', '{r2}')?.cursor).toEqual({ updatedOn: 'old' });
    expect(state.get('pull_requests', '{r3}')).toBeUndefined();
    expect(partials(opts.outputDir)).toEqual([]);
    const records = await allRecords(opts.outputDir);
    expect(records.filter((record) => record.partition === '{r2}' || record.partition === '{r3}')).toEqual([]);
    const listed = Object.values(manifest.files).flat();
    for (const repo of [REPOS[1], REPOS[2]]) expect(listed.some((file) => file.includes(safePartitionName(repo as PartitionDescriptor)))).toBe(false);

    const { source: mostlyFailing } = fakeSource({ pullRequests: { '{r1}': failing, '{r2}': failing, '{r3}': failing, '{r4}': failing } });
    const failed = await runSync(options(mostlyFailing));
    expect(failed.status).toBe('failed');
    expect(failed.stopReason).toMatch(/4 of 6 partitions failed/);
  });

  it('aborts the whole run on a fatal error, after writing the manifest', async () => {
    let slowCancelled = false;
    const slow: PullRequestRead = async (ctx, repo) => {
      await ctx.record('pull_requests', { id: `${repo.key}:1` });
      try {
        await aborted(ctx.signal);
      } finally {
        slowCancelled = true;
      }
      return undefined;
    };
    const fatal: PullRequestRead = async () => {
      throw new BbsyncError('invalid_credentials', 'Unauthorized', { status: 401 });
    };
    const { source } = fakeSource({ pullRequests: { '{r1}': slow, '{r2}': fatal } });
    const opts = options(source, { concurrency: 2, streams: ['pull_requests'] });
    const manifest = await runSync(opts);

    expect(manifest.status).toBe('failed');
    expect(manifest.stopReason).toMatch(/invalid_credentials/);
    expect(slowCancelled).toBe(true);
    expect(manifest.errors).toEqual([expect.objectContaining({ code: 'invalid_credentials', status: 401, partition: 'acme/two' })]);
    expect(manifest.remaining).toEqual(
      expect.arrayContaining([
        { stream: 'pull_requests', partition: 'acme/one' },
        { stream: 'pull_requests', partition: 'acme/three' },
        { stream: 'pull_requests', partition: 'acme/four' },
      ]),
    );
    expect(existsSync(join(opts.outputDir, 'manifest.json'))).toBe(true);
    expect(partials(opts.outputDir)).toEqual([]);
    expect(opts.state.get('pull_requests', '{r1}')).toBeUndefined();
  });

  it('stops at maxRequests: finished partitions stay committed, the rest is listed as remaining', async () => {
    const { source } = fakeSource();
    const opts = options(source, { budgets: { maxRequests: 5, graceRequests: 0 }, streams: ['pull_requests'], concurrency: 1 });
    const manifest = await runSync(opts);
    expect(manifest.status).toBe('stopped');
    expect(manifest.stopReason).toMatch(/maxRequests 5/);
    // 1 listing request + 3 for the first repository; with no grace the second repository is aborted at its 5th request.
    const committed = Object.keys(opts.state.partitions('pull_requests'));
    expect(committed).toEqual(['{r1}']);
    expect(manifest.remaining).toEqual([
      { stream: 'pull_requests', partition: 'acme/two' },
      { stream: 'pull_requests', partition: 'acme/three' },
      { stream: 'pull_requests', partition: 'acme/four' },
    ]);
    expect(manifest.streams.pull_requests?.records).toBe(3);
    expect(partials(opts.outputDir)).toEqual([]);
    expect((await allRecords(opts.outputDir)).map((record) => record.key)).toEqual(['{r1}:1', '{r1}:2', '{r1}:3']);
  });

  it('past maxRequests, partitions in flight finish within the grace, then nothing new starts', async () => {
    const { source } = fakeSource();
    const opts = options(source, { budgets: { maxRequests: 5, graceRequests: 10 }, streams: ['pull_requests'], concurrency: 2 });
    const manifest = await runSync(opts);
    expect(manifest.status).toBe('stopped');
    // Both partitions in flight when the budget was reached completed and were committed (no work thrown away).
    const committed = Object.keys(opts.state.partitions('pull_requests')).sort();
    expect(committed).toEqual(['{r1}', '{r2}']);
    expect(manifest.remaining.map((entry) => entry.partition).sort()).toEqual(['acme/four', 'acme/three']);
    expect(manifest.requests.total).toBeLessThanOrEqual(5 + 10);
    expect(partials(opts.outputDir)).toEqual([]);
  });

  it('during a graceful stop, a partition ends at its next checkpoint with its work saved', async () => {
    const checkpointing: PullRequestRead = async (ctx, repo) => {
      for (let i = 1; i <= 6; i++) {
        await ctx.client.request({ url: `/repositories/${repo.name}/pullrequests/${i}`, signal: ctx.signal });
        await ctx.record('pull_requests', { id: `${repo.key}:${i}` });
        if (i % 2 === 0) await ctx.checkpoint({ upTo: i });
      }
      return { upTo: 6 };
    };
    const { source } = fakeSource({ pullRequests: Object.fromEntries(REPOS.map((repo) => [repo.key, checkpointing])) });
    const opts = options(source, { budgets: { maxRequests: 3, graceRequests: 100 }, streams: ['pull_requests'], concurrency: 1 });
    const manifest = await runSync(opts);
    expect(manifest.status).toBe('stopped');
    // The listing + 2 requests reach the budget; the first repository saves at its checkpoint after request 2 and ends.
    expect(opts.state.get('pull_requests', '{r1}')?.cursor).toEqual({ upTo: 2 });
    expect((await allRecords(opts.outputDir)).map((record) => record.key)).toEqual(['{r1}:1', '{r1}:2']);
    expect(manifest.remaining.map((entry) => entry.partition)).toContain('acme/one');
  });

  it('stops at the deadline', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const slowRead: PullRequestRead = async (ctx, repo) => {
      clock.advance(60_000);
      await ctx.record('pull_requests', { id: `${repo.key}:1` });
      return { done: true };
    };
    const { source } = fakeSource({ pullRequests: Object.fromEntries(REPOS.map((repo) => [repo.key, slowRead])) });
    const opts = options(source, { clock, budgets: { deadline: clock.now() + 150_000 }, streams: ['pull_requests'], concurrency: 1 });
    const manifest = await runSync(opts);
    expect(manifest.status).toBe('stopped');
    expect(manifest.stopReason).toMatch(/deadline/);
    expect(Object.keys(opts.state.partitions('pull_requests'))).toEqual(['{r1}', '{r2}']);
    expect(manifest.remaining.map((entry) => entry.partition)).toEqual(['acme/three', 'acme/four']);
  });

  it('stops when the signal aborts, and the next run continues where it stopped', async () => {
    const controller = new AbortController();
    const { source } = fakeSource({
      pullRequests: {
        '{r2}': async (ctx, repo) => {
          await ctx.record('pull_requests', { id: `${repo.key}:1` });
          controller.abort();
          await ctx.record('pull_requests', { id: `${repo.key}:2` });
          return { never: true };
        },
      },
    });
    const state = new MemoryStateStore({ scope: 'fake:acme' });
    const first = await runSync(options(source, { state, signal: controller.signal, streams: ['pull_requests'], concurrency: 1 }));
    expect(first.status).toBe('stopped');
    expect(first.stopReason).toMatch(/cancelled/);
    expect(first.remaining.map((entry) => entry.partition)).toEqual(['acme/two', 'acme/three', 'acme/four']);
    expect(state.get('pull_requests', '{r2}')).toBeUndefined();

    const { source: healthy, cursorsSeen } = fakeSource();
    const secondDir = runDir();
    const second = await runSync(options(healthy, { state, outputDir: secondDir, streams: ['pull_requests'], concurrency: 1 }));
    expect(second.status).toBe('complete');
    // Never-synced partitions go first; the one finished last time goes last, with its cursor.
    expect([...cursorsSeen.keys()]).toEqual(['{r2}', '{r3}', '{r4}', '{r1}']);
    expect(cursorsSeen.get('{r1}')).toEqual([{ updatedOn: '2026-01-03', seen: 3 }]);
  });

  it('a stop error from the client stops the run gracefully', async () => {
    const { source } = fakeSource({
      pullRequests: {
        '{r1}': async () => {
          throw new BbsyncError('budget_exhausted', 'every credential is rate limited until 10:00');
        },
      },
    });
    const manifest = await runSync(options(source, { streams: ['pull_requests'], concurrency: 1 }));
    expect(manifest.status).toBe('stopped');
    expect(manifest.stopReason).toMatch(/rate limited/);
    expect(manifest.errors).toEqual([]);
    expect(manifest.remaining).toHaveLength(4);
  });

  it('splits repositories across shards; only shard 1 writes workspace streams', async () => {
    const repos = Array.from({ length: 30 }, (_, i) => ({ key: `{repo-${i}}`, name: `acme/repo-${i}` }));
    const seen: string[][] = [];
    for (const index of [1, 2, 3]) {
      const { source, cursorsSeen } = fakeSource({ repos });
      const state = new MemoryStateStore({ scope: 'fake:acme' });
      const opts = options(source, { state, shard: { index, count: 3 } });
      const manifest = await runSync(opts);
      expect(manifest.status).toBe('complete');
      seen.push([...cursorsSeen.keys()]);
      for (const key of cursorsSeen.keys()) expect(shardOf(key, 3)).toBe(index);
      const streams = new Set((await allRecords(opts.outputDir)).map((record) => record.stream));
      if (index === 1) {
        expect(streams).toEqual(new Set(['repositories', 'members', 'pull_requests', 'pr_comments']));
      } else {
        expect(streams.has('repositories') || streams.has('members')).toBe(false);
        expect(state.get('repositories', '')).toBeUndefined();
        expect(manifest.definitions?.members?.partitions).toBe(0); // not a provider: not run on other shards
      }
    }
    expect(seen.flat().sort()).toEqual(repos.map((repo) => repo.key).sort());
    for (const keys of seen) expect(keys.length).toBeGreaterThan(0);
  });

  it('reads from scratch when a newly selected output is not covered by the cursor (backfill)', async () => {
    const state = new MemoryStateStore({ scope: 'fake:acme' });
    const { source, cursorsSeen } = fakeSource({ repos: [REPOS[0] as PartitionDescriptor] });
    await runSync(options(source, { state, streams: ['pull_requests'] }));
    expect(state.get('pull_requests', '{r1}')?.outputs).toEqual(['pull_requests']);

    const backfill = options(source, { state, streams: ['pull_requests', 'pr_comments'] });
    const manifest = await runSync(backfill);
    expect(manifest.streams.pr_comments?.records).toBe(3);
    expect(state.get('pull_requests', '{r1}')?.outputs).toEqual(['pull_requests', 'pr_comments']);

    await runSync(options(source, { state, streams: ['pull_requests', 'pr_comments'] }));
    await runSync(options(source, { state, streams: ['pr_comments'] })); // a subset is covered
    const cursor = { updatedOn: '2026-01-03', seen: 3 };
    expect(cursorsSeen.get('{r1}')).toEqual([undefined, undefined, cursor, cursor]);
  });

  it('writes deletion markers that a merge applies, and records absences', async () => {
    const state = new MemoryStateStore({ scope: 'fake:acme' });
    const { source } = fakeSource({ repos: [REPOS[0] as PartitionDescriptor] });
    const first = options(source, { state, streams: ['pull_requests'] });
    await runSync(first);

    const { source: withDeletion } = fakeSource({
      repos: [REPOS[0] as PartitionDescriptor],
      pullRequests: {
        '{r1}': async (ctx, repo) => {
          await ctx.deleted('pull_requests', `${repo.key}:2`, { id: `${repo.key}:2`, title: 'gone' });
          ctx.absence('commits of pull request 3 (source branch deleted)', 404);
          return { updatedOn: '2026-01-04' };
        },
      },
    });
    const second = options(withDeletion, { state, streams: ['pull_requests'] });
    const manifest = await runSync(second);
    expect(manifest.streams.pull_requests).toMatchObject({ records: 0, deleted: 1 });
    expect(manifest.absences).toEqual([{ stream: 'pull_requests', partition: 'acme/one', what: 'commits of pull request 3 (source branch deleted)', status: 404 }]);
    const [marker] = await allRecords(second.outputDir);
    expect(marker).toMatchObject({ stream: 'pull_requests', key: '{r1}:2', deleted: true, data: { title: 'gone' } });

    const snapshot = runDir();
    await mergeRuns({ inputs: [first.outputDir, second.outputDir], outputDir: snapshot });
    expect(keysOf(await allRecords(snapshot), 'pull_requests')).toEqual(['{r1}:1', '{r1}:3']);
  });

  it('a connector writing an output it does not declare fails the run', async () => {
    const { source } = fakeSource({
      pullRequests: {
        '{r1}': async (ctx) => {
          await ctx.record('pullrequests', { id: 1 });
          return undefined;
        },
      },
    });
    const manifest: RunManifest = await runSync(options(source, { concurrency: 1 }));
    expect(manifest.status).toBe('failed');
    expect(manifest.errors[0]).toMatchObject({ code: 'config_error', message: expect.stringContaining('"pullrequests"') });
  });

  it('keeps at most `concurrency` partitions in flight', async () => {
    let inFlight = 0;
    let highest = 0;
    const read: PullRequestRead = async (ctx, repo) => {
      inFlight += 1;
      highest = Math.max(highest, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      await ctx.record('pull_requests', { id: repo.key });
      inFlight -= 1;
      return 1;
    };
    const repos = Array.from({ length: 10 }, (_, i) => ({ key: `{c${i}}`, name: `acme/c${i}` }));
    const { source } = fakeSource({ repos, pullRequests: Object.fromEntries(repos.map((repo) => [repo.key, read])) });
    const manifest = await runSync(options(source, { concurrency: 3, streams: ['pull_requests'] }));
    expect(manifest.status).toBe('complete');
    expect(highest).toBe(3);
  });

  it('commits through a FileStateStore that the next run reads back', async () => {
    const statePath = join(root, `state-${counter}`, 'state.json');
    const { source, cursorsSeen } = fakeSource({ repos: [REPOS[0] as PartitionDescriptor] });
    const first = options(source, { state: await FileStateStore.open(statePath, 'fake:acme'), streams: ['pull_requests'] });
    await runSync(first);
    expect(JSON.parse(readFileSync(join(first.outputDir, 'state.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(statePath, 'utf8')));
    const reopened = await FileStateStore.open(statePath, 'fake:acme');
    expect(reopened.get('pull_requests', '{r1}')?.cursor).toEqual({ updatedOn: '2026-01-03', seen: 3 });
    await runSync(options(source, { state: reopened, streams: ['pull_requests'] }));
    expect(cursorsSeen.get('{r1}')).toEqual([undefined, { updatedOn: '2026-01-03', seen: 3 }]);
  });
});
