import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { mergeRuns } from '../output/merge.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { allRecords, FakeClient, scratchRoot } from './__tests__/fakes.js';
import { runSync } from './engine.js';
import type { PartitionDescriptor, SourceDefinition, StreamDefinition } from './types.js';

// Every run of this property does real file I/O (segments, fsync, renames), so each run is kept small; it runs
// 1,000 times, and FC_NUM_RUNS may raise the count, never lower it.
const NUM_RUNS = Math.max(1000, Number(process.env.FC_NUM_RUNS ?? 0) || 0);
let root: string;
let counter = 0;
beforeAll(async () => {
  root = await scratchRoot('bbsync-resume-');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
function freshDir(): string {
  counter += 1;
  return join(root, `d${counter}`);
}

/** What a fake partition's listing yields, in order: upserts and deletions of a few keys, and checkpoints. */
type SourceEvent = { readonly kind: 'record' | 'delete'; readonly key: number } | { readonly kind: 'checkpoint' };

const eventArbitrary: fc.Arbitrary<SourceEvent> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('record' as const), key: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: fc.nat(7) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
);

/**
 * A source of N partitions. The `items` definition's cursor is the index of the next event to read: it
 * resumes there. `beforeWrite` runs before every write (the test aborts the run from it).
 */
function fakeSource(plan: readonly (readonly SourceEvent[])[], beforeWrite: () => void): SourceDefinition {
  const partitions: PartitionDescriptor[] = plan.map((_, index) => ({ key: `p${index}`, name: `acme/repo-${index}` }));
  const repos: StreamDefinition = {
    name: 'repos',
    scope: 'workspace',
    providesPartitions: true,
    outputs: [{ name: 'repos', primaryKey: (repo: { key: string }) => repo.key }],
    read: async (ctx) => {
      for (const partition of partitions) {
        beforeWrite();
        await ctx.record('repos', { key: partition.key });
        ctx.provide(partition);
      }
      return undefined;
    },
  };
  const items: StreamDefinition<PartitionDescriptor, number> = {
    name: 'items',
    scope: 'repository',
    outputs: [{ name: 'items', primaryKey: (item: { id: string }) => item.id }],
    read: async (ctx, partition) => {
      const events = plan[Number(partition.key.slice(1))] ?? [];
      for (let index = ctx.cursor ?? 0; index < events.length; index++) {
        const event = events[index] as SourceEvent;
        const tag = `${partition.key}#${index}`;
        if (event.kind === 'checkpoint') {
          await ctx.checkpoint(index + 1);
          continue;
        }
        beforeWrite();
        const id = `${partition.key}:${event.key}`;
        if (event.kind === 'record') await ctx.record('items', { id, event: tag });
        else await ctx.deleted('items', id, { id, event: tag });
      }
      return events.length;
    },
  };
  return { kind: 'fake', streams: [repos, items] };
}

/** The result of one clean run, folded: the latest version of every item, and every repository. */
function expectedSnapshot(plan: readonly (readonly SourceEvent[])[]): Map<string, unknown> {
  const latest = new Map<string, unknown>();
  plan.forEach((events, partition) => {
    latest.set(`repos/p${partition}`, { key: `p${partition}` });
    events.forEach((event, index) => {
      if (event.kind === 'checkpoint') return;
      const id = `p${partition}:${event.key}`;
      if (event.kind === 'record') latest.set(`items/${id}`, { id, event: `p${partition}#${index}` });
      else latest.delete(`items/${id}`);
    });
  });
  return latest;
}

/**
 * A state store that checks, inside every commit, that the cursor is not ahead of durable data: every event
 * before it is in a finished segment of this run or an earlier one. It can also "crash" at its n-th commit.
 */
class CheckingStore extends MemoryStateStore {
  runDirs: string[] = [];
  crashAtCommit: number | undefined;
  /** Commits attempted so far (over every run). */
  commitAttempts = 0;
  readonly #plan: readonly (readonly SourceEvent[])[];

  constructor(plan: readonly (readonly SourceEvent[])[]) {
    super({ scope: 'fake:acme', clock: new ManualClock() });
    this.#plan = plan;
  }

  /** Finished segments never change, so each is read once. */
  readonly #seen = new Map<string, string[]>();

  /** Reads synchronously: this runs inside every commit and must not slow the property down. */
  #durableEvents(): Set<string> {
    const durable = new Set<string>();
    for (const dir of this.runDirs) {
      const streams = join(dir, 'streams');
      if (!existsSync(streams)) continue;
      for (const stream of readdirSync(streams)) {
        for (const name of readdirSync(join(streams, stream))) {
          if (name.endsWith('.partial')) continue;
          const path = join(streams, stream, name);
          let events = this.#seen.get(path);
          if (events === undefined) {
            const text = readFileSync(path);
            events = (name.endsWith('.gz') ? gunzipSync(text) : text)
              .toString('utf8')
              .split('\n')
              .filter((line) => line.length > 0)
              .map((line) => (JSON.parse(line) as { data: { event: string } }).data.event);
            this.#seen.set(path, events);
          }
          for (const event of events) durable.add(event);
        }
      }
    }
    return durable;
  }

  override async commit(stream: string, key: string, cursor: unknown, partition?: unknown, outputs?: readonly string[]): Promise<void> {
    this.commitAttempts += 1;
    if (this.commitAttempts === this.crashAtCommit) throw new Error('crash between flush and commit');
    if (stream === 'items') {
      const durable = this.#durableEvents();
      const events = this.#plan[Number(key.slice(1))] ?? [];
      for (let index = 0; index < (cursor as number); index++) {
        if (events[index]?.kind !== 'checkpoint') expect(durable.has(`${key}#${index}`), `${key}#${index} durable before cursor ${String(cursor)}`).toBe(true);
      }
    }
    return super.commit(stream, key, cursor, partition, outputs);
  }
}

async function snapshotContents(dir: string): Promise<Map<string, unknown>> {
  const result = new Map<string, unknown>();
  for (const record of await allRecords(dir)) {
    const id = `${record.stream}/${record.key}`;
    expect(result.has(id), `duplicate ${id}`).toBe(false);
    result.set(id, record.data);
  }
  return result;
}

describe('runSync crash and resume', () => {
  it('runs interrupted one to three times (stop signal or crash between flush and commit), then a clean run, merge to one clean run', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(eventArbitrary, { maxLength: 10 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.record({ at: fc.nat(30), mode: fc.constantFrom('signal', 'crash-at-commit') }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 3 }),
        async (plan, interruptions, concurrency) => {
          const state = new CheckingStore(plan);
          const client = new FakeClient();
          for (const { at: interruptAt, mode } of interruptions) {
            const controller = new AbortController();
            let writes = 0;
            const source = fakeSource(plan, () => {
              writes += 1;
              if (mode === 'signal' && writes === interruptAt) controller.abort();
            });
            state.crashAtCommit = mode === 'crash-at-commit' ? state.commitAttempts + interruptAt + 1 : undefined;
            const runDir = freshDir();
            state.runDirs.push(runDir);
            const interrupted = await runSync({ source, config: {}, client, state, outputDir: runDir, signal: controller.signal, concurrency, clock: new ManualClock(), gzip: false });
            if (mode === 'signal' && writes >= interruptAt && interruptAt > 0) expect(interrupted.status).toBe('stopped');
            if (interrupted.status === 'stopped') {
              // Every provided partition that did not finish is listed as remaining.
              const finished = state.partitions('items');
              const listed = new Set((await allRecords(runDir)).filter((record) => record.stream === 'repos').map((record) => record.key));
              for (const [index, events] of plan.entries()) {
                const key = `p${index}`;
                if (listed.has(key) && finished[key]?.cursor !== events.length) {
                  expect(interrupted.remaining).toContainEqual({ stream: 'items', partition: `acme/repo-${index}` });
                }
              }
            }
          }

          state.crashAtCommit = undefined;
          const last = freshDir();
          state.runDirs.push(last);
          const resumed = await runSync({ source: fakeSource(plan, () => undefined), config: {}, client, state, outputDir: last, concurrency, clock: new ManualClock(), gzip: false });
          expect(resumed.status).toBe('complete');
          for (const [index, events] of plan.entries()) expect(state.get('items', `p${index}`)?.cursor).toBe(events.length);

          const snapshot = freshDir();
          await mergeRuns({ inputs: state.runDirs, outputDir: snapshot, gzip: false });
          expect(await snapshotContents(snapshot)).toEqual(expectedSnapshot(plan));
          await Promise.all([...state.runDirs, snapshot].map((dir) => rm(dir, { recursive: true, force: true })));
        },
      ),
      { numRuns: NUM_RUNS },
    );
  }, 600_000);
});
