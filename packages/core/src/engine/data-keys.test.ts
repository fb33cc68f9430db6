/**
 * Keys come from data: a repository UUID, a partition key or a stream folder may be `__proto__`, `constructor`,
 * `toString`, `hasOwnProperty` or `valueOf`. Runs with such keys complete, their cursors survive the state file,
 * and the manifests (run and snapshot) list every stream, `__proto__` included.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { dataKeyed } from '../data-keyed.js';
import { mergeRuns } from '../output/merge.js';
import { FileStateStore } from '../state/file-state-store.js';
import { allRecords, FakeClient, scratchRoot } from './__tests__/fakes.js';
import { runSync } from './engine.js';
import type { PartitionDescriptor, SourceDefinition, StreamDefinition } from './types.js';

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;

let root: string;
beforeAll(async () => {
  root = await scratchRoot('bbsync-data-keys-');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/**
 * A source whose repositories have prototype-named UUIDs; its repository stream writes to an output called
 * `__proto__` too, and both streams keep cursors keyed by data (as the connectors do).
 */
function source(cursorsSeen: Map<string, unknown>): SourceDefinition {
  const repos: PartitionDescriptor[] = PROTOTYPE_NAMES.map((uuid) => ({ key: uuid, name: `acme/${uuid}` }));
  const repositories: StreamDefinition = {
    name: 'repositories',
    scope: 'workspace',
    providesPartitions: true,
    outputs: [{ name: 'repositories', primaryKey: (repo: { uuid: string }) => repo.uuid }],
    read: async (ctx) => {
      const before = dataKeyed((ctx.cursor as { known?: Record<string, number> } | undefined)?.known);
      const known = dataKeyed<number>();
      for (const repo of repos) {
        known[repo.key] = (before[repo.key] ?? 0) + 1;
        await ctx.record('repositories', { uuid: repo.key, full_name: repo.name });
        ctx.provide(repo);
      }
      return { known };
    },
  };
  const pullRequests: StreamDefinition = {
    name: 'pull_requests',
    scope: 'repository',
    outputs: [
      { name: 'pull_requests', primaryKey: (pr: { id: string }) => pr.id },
      { name: '__proto__', primaryKey: (item: { id: string }) => item.id },
    ],
    read: async (ctx, repo: PartitionDescriptor) => {
      cursorsSeen.set(repo.key, ctx.cursor);
      await ctx.record('pull_requests', { id: `${repo.key}#1`, title: 'one' });
      await ctx.record('__proto__', { id: `${repo.key}#x` });
      return { repository: repo.key, runs: ((ctx.cursor as { runs?: number } | undefined)?.runs ?? 0) + 1 };
    },
  };
  return { kind: 'fake', streams: [repositories, pullRequests] };
}

describe('keys named like Object.prototype members', () => {
  it('sync twice with such repository UUIDs and a __proto__ output, then merge: nothing lost, every manifest lists every stream', async () => {
    const statePath = join(root, 'state', 'state.json');
    const cursorsSeen = new Map<string, unknown>();
    const run = async (name: string) => {
      const state = await FileStateStore.open(statePath, 'fake:acme');
      return runSync({ source: source(cursorsSeen), config: {}, client: new FakeClient(), state, outputDir: join(root, name), clock: new ManualClock() });
    };

    const first = await run('run-1');
    expect(first.status, JSON.stringify(first.errors)).toBe('complete');
    expect(Object.keys(first.streams).sort()).toEqual(['__proto__', 'pull_requests', 'repositories']);
    expect(Object.hasOwn(first.streams, '__proto__')).toBe(true);
    expect(first.streams.__proto__?.records).toBe(PROTOTYPE_NAMES.length);
    const manifestText = JSON.parse(readFileSync(join(root, 'run-1', 'manifest.json'), 'utf8')) as { streams: object; cursorsAfter: Record<string, object> };
    expect(Object.keys(manifestText.streams).sort()).toEqual(['__proto__', 'pull_requests', 'repositories']);
    expect(Object.keys(manifestText.cursorsAfter.pull_requests ?? {}).sort()).toEqual([...PROTOTYPE_NAMES].sort());

    const written = JSON.parse(readFileSync(statePath, 'utf8')) as { streams: Record<string, Record<string, { cursor: unknown }>> };
    expect(Object.keys(written.streams.pull_requests ?? {}).sort()).toEqual([...PROTOTYPE_NAMES].sort());
    expect(Object.keys((written.streams.repositories?.[''] as { cursor: { known: object } }).cursor.known).sort()).toEqual([...PROTOTYPE_NAMES].sort());

    // The second run hands every partition its own cursor back, `__proto__` and `constructor` included.
    const second = await run('run-2');
    expect(second.status, JSON.stringify(second.errors)).toBe('complete');
    for (const uuid of PROTOTYPE_NAMES) expect(cursorsSeen.get(uuid)).toEqual({ repository: uuid, runs: 1 });
    const after = JSON.parse(readFileSync(statePath, 'utf8')) as { streams: Record<string, Record<string, { cursor: { known?: Record<string, number> } }>> };
    expect(after.streams.repositories?.['']?.cursor.known).toEqual(Object.fromEntries(PROTOTYPE_NAMES.map((uuid) => [uuid, 2])));

    const snapshot = await mergeRuns({ inputs: [join(root, 'run-1'), join(root, 'run-2')], outputDir: join(root, 'merged') });
    expect(Object.keys(snapshot.streams).sort()).toEqual(['__proto__', 'pull_requests', 'repositories']);
    expect(snapshot.streams.__proto__?.records).toBe(PROTOTYPE_NAMES.length);
    const snapshotText = JSON.parse(readFileSync(join(root, 'merged', 'manifest.json'), 'utf8')) as { streams: object };
    expect(Object.keys(snapshotText.streams).sort()).toEqual(['__proto__', 'pull_requests', 'repositories']);
    const records = await allRecords(join(root, 'merged'));
    expect(records.filter((record) => record.stream === 'pull_requests').map((record) => record.partition).sort()).toEqual([...PROTOTYPE_NAMES].sort());
  });
});
