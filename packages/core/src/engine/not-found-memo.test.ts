/** The 404 memo is the run's: every partition of one run shares it, the next run starts without it. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { FakeClient, scratchRoot } from './__tests__/fakes.js';
import { runSync } from './engine.js';
import type { NotFoundMemo } from './not-found-memo.js';
import type { PartitionDescriptor, SourceDefinition } from './types.js';

let root: string;
beforeAll(async () => {
  root = await scratchRoot('bbsync-not-found-');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const REPOS: PartitionDescriptor[] = [
  { key: '{r1}', name: 'acme/one' },
  { key: '{r2}', name: 'acme/two' },
];

describe('ctx.notFound', () => {
  it('is shared by the partitions of a run and new in the next run', async () => {
    const seen: { run: number; memo: NotFoundMemo; knewIt: boolean }[] = [];
    let run = 0;
    const source: SourceDefinition = {
      kind: 'fake',
      streams: [
        {
          name: 'repositories',
          scope: 'workspace',
          providesPartitions: true,
          outputs: [{ name: 'repositories', primaryKey: (repo: { uuid: string }) => repo.uuid }],
          read: async (ctx) => {
            for (const repo of REPOS) ctx.provide(repo);
            return undefined;
          },
        },
        {
          name: 'pull_requests',
          scope: 'repository',
          outputs: [{ name: 'pull_requests', primaryKey: (pr: { id: string }) => pr.id }],
          read: async (ctx) => {
            seen.push({ run, memo: ctx.notFound, knewIt: ctx.notFound.has('/gone') });
            ctx.notFound.add('/gone');
            return undefined;
          },
        },
      ],
    };
    const state = new MemoryStateStore({ scope: 'fake:acme' });
    for (run = 1; run <= 2; run++) {
      const manifest = await runSync({ source, config: {}, client: new FakeClient(), state, outputDir: join(root, `run-${run}`), clock: new ManualClock(), concurrency: 1 });
      expect(manifest.status).toBe('complete');
    }
    expect(seen.map(({ run: r, knewIt }) => [r, knewIt])).toEqual([
      [1, false],
      [1, true],
      [2, false],
      [2, true],
    ]);
    expect(seen[0]?.memo).toBe(seen[1]?.memo);
    expect(seen[2]?.memo).not.toBe(seen[0]?.memo);
  });
});
