import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { mergeRuns } from '../output/merge.js';
import { readRecords } from '../output/read-records.js';
import { DELETED_PARTITIONS_STREAM } from '../output/types.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { FakeClient, scratchRoot } from './__tests__/fakes.js';
import { runSync } from './engine.js';
import type { PartitionDescriptor, SourceDefinition, StreamDefinition } from './types.js';

let root: string;
beforeAll(async () => {
  root = await scratchRoot('bbsync-tombstone-');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A workspace with repositories that each have two pull requests; `gone` repositories are deleted this run. */
function source(repos: PartitionDescriptor[], gone: string[]): SourceDefinition {
  const repositories: StreamDefinition = {
    name: 'repositories',
    scope: 'workspace',
    providesPartitions: true,
    outputs: [{ name: 'repositories', primaryKey: (repo: { uuid: string }) => repo.uuid }],
    read: async (ctx) => {
      for (const repo of repos) {
        await ctx.record('repositories', { uuid: repo.key });
        ctx.provide(repo);
      }
      for (const key of gone) await ctx.deleted('repositories', key);
      return { seen: repos.map((repo) => repo.key) };
    },
  };
  const pullRequests: StreamDefinition = {
    name: 'pull_requests',
    scope: 'repository',
    outputs: [{ name: 'pull_requests', primaryKey: (pr: { id: string }) => pr.id }],
    read: async (ctx, repo: PartitionDescriptor) => {
      await ctx.record('pull_requests', { id: `${repo.key}:1` });
      await ctx.record('pull_requests', { id: `${repo.key}:2` });
      return { at: 1 };
    },
  };
  return { kind: 'fake', streams: [repositories, pullRequests] };
}

it('a deleted repository takes its records in every stream out of the merged dataset, and its cursors out of the state', async () => {
  const state = new MemoryStateStore({ scope: 'fake:acme' });
  const one = { key: '{one}', name: 'acme/one' };
  const two = { key: '{two}', name: 'acme/two' };
  const common = { config: {}, client: new FakeClient(), state, clock: new ManualClock() };
  const first = join(root, 'run-1');
  await runSync({ ...common, source: source([one, two], []), outputDir: first });
  expect(state.get('pull_requests', '{two}')).toBeDefined();

  const second = join(root, 'run-2');
  const manifest = await runSync({ ...common, source: source([one], ['{two}']), outputDir: second });
  expect(manifest.status).toBe('complete');
  expect(state.get('pull_requests', '{two}')).toBeUndefined();
  expect(state.get('pull_requests', '{one}')).toBeDefined();

  const snapshot = join(root, 'snapshot');
  await mergeRuns({ inputs: [first, second], outputDir: snapshot });
  const kept: string[] = [];
  for await (const record of readRecords(snapshot)) if (record.stream !== DELETED_PARTITIONS_STREAM) kept.push(`${record.stream}:${record.key}`);
  expect(kept.sort()).toEqual(['pull_requests:{one}:1', 'pull_requests:{one}:2', 'repositories:{one}']);

});
