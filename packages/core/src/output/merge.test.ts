import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBbsyncError } from '../errors.js';
import { mergeRuns } from './merge.js';
import { readRecords } from './read-records.js';
import { safePartitionName } from './safe-name.js';
import type { RecordEnvelope } from './types.js';

// Every run of this property does real file I/O (segments, fsync, renames), so it runs 250 times by default
// (about a minute on a loaded 2-core machine); FC_NUM_RUNS raises it (the pagination properties run 1,000).
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 250);
let root: string;
let counter = 0;
beforeAll(async () => {
  // tmpfs where there is one: these tests are bound by file-system latency.
  root = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'bbsync-merge-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
function freshDir(): string {
  counter += 1;
  return join(root, `d${counter}`);
}

interface Op {
  readonly stream: string;
  readonly key: string;
  readonly deleted: boolean;
  readonly value: number;
  /** The partition checkpoints after this op: its next records go to the next segment. */
  readonly flush: boolean;
}

/** Each key belongs to one partition, as in real runs (a pull request lives in one repository). */
function partitionOf(key: string): string {
  return `acme/repo-${Number(key.slice(1)) % 2}`;
}

/**
 * Writes a run folder the way the run writer lays it out (segments per stream and partition, numbered in
 * checkpoint order), without fsync, to keep a thousand property runs fast. Adds a `.partial` file of junk,
 * which merge must ignore.
 */
function writeRun(dir: string, runIndex: number, ops: readonly Op[], gzip: boolean): void {
  const segments = new Map<string, { stream: string; stem: string; seq: number; lines: string[] }>();
  const write = (segment: { stream: string; stem: string; seq: number; lines: string[] }) => {
    const folder = join(dir, 'streams', segment.stream);
    mkdirSync(folder, { recursive: true });
    const text = segment.lines.join('');
    writeFileSync(join(folder, `${segment.stem}.${segment.seq}.jsonl${gzip ? '.gz' : ''}`), gzip ? gzipSync(text) : text);
  };
  const nextSeq = new Map<string, number>();
  for (const op of ops) {
    const partition = partitionOf(op.key);
    const id = `${op.stream}/${partition}`;
    let segment = segments.get(id);
    if (segment === undefined) {
      const seq = nextSeq.get(id) ?? 1;
      nextSeq.set(id, seq + 1);
      segment = { stream: op.stream, stem: safePartitionName({ key: partition, name: partition }), seq, lines: [] };
      segments.set(id, segment);
    }
    const envelope: RecordEnvelope = {
      stream: op.stream,
      key: op.key,
      partition,
      synced_at: '2026-01-01T00:00:00.000Z',
      deleted: op.deleted,
      data: op.deleted ? null : { key: op.key, value: op.value, run: runIndex },
    };
    segment.lines.push(`${JSON.stringify(envelope)}\n`);
    if (op.flush) {
      write(segment);
      segments.delete(id);
    }
  }
  for (const segment of segments.values()) write(segment);
  mkdirSync(join(dir, 'streams', 'a'), { recursive: true });
  writeFileSync(join(dir, 'streams', 'a', 'crashed.1.jsonl.gz.partial'), 'not json at all');
}

/** The reference: fold every op of every run, in order, into a map. */
function referenceFold(runs: readonly (readonly Op[])[]): Map<string, unknown> {
  const latest = new Map<string, unknown>();
  runs.forEach((ops, runIndex) => {
    for (const op of ops) {
      const id = `${op.stream}\u0000${op.key}`;
      if (op.deleted) latest.delete(id);
      else latest.set(id, { key: op.key, value: op.value, run: runIndex });
    }
  });
  return latest;
}

async function contents(dir: string): Promise<Map<string, unknown>> {
  const result = new Map<string, unknown>();
  for await (const record of readRecords(dir)) {
    const id = `${record.stream}\u0000${record.key}`;
    expect(result.has(id), `duplicate ${id}`).toBe(false);
    expect(record.deleted).toBe(false);
    result.set(id, record.data);
  }
  return result;
}

const opArbitrary: fc.Arbitrary<Op> = fc.record({
  stream: fc.constantFrom('a', 'b'),
  key: fc.integer({ min: 0, max: 7 }).map((n) => `k${n}`),
  deleted: fc.boolean(),
  value: fc.nat(1000),
  flush: fc.nat(4).map((n) => n === 0),
});

describe('mergeRuns', () => {
  it('equals a reference fold, and merging in two steps equals merging at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(opArbitrary, { maxLength: 8 }), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        fc.constantFrom(400, 1 << 30), // tiny buckets force the split-by-hash path; huge ones the direct fold
        fc.boolean(),
        async (runs, splitSeed, bucketBytes, gzip) => {
          const runDirs = runs.map((ops, index) => {
            const dir = freshDir();
            writeRun(dir, index, ops, gzip);
            return dir;
          });
          const expected = referenceFold(runs);

          const all = freshDir();
          const manifest = await mergeRuns({ inputs: runDirs, outputDir: all, bucketBytes, gzip });
          expect(await contents(all)).toEqual(expected);
          const total = Object.values(manifest.streams).reduce((sum, counts) => sum + counts.records, 0);
          expect(total).toBe(expected.size);

          const split = splitSeed % (runDirs.length + 1);
          const first = freshDir();
          await mergeRuns({ inputs: runDirs.slice(0, split), outputDir: first, bucketBytes, gzip: !gzip });
          const second = freshDir();
          await mergeRuns({ inputs: [first, ...runDirs.slice(split)], outputDir: second, bucketBytes, gzip });
          expect(await contents(second)).toEqual(expected);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('splits large merged streams into several files', async () => {
    const run = freshDir();
    const ops = Array.from({ length: 50 }, (_, i): Op => ({ stream: 'a', key: `k${i}`, deleted: false, value: i, flush: false }));
    writeRun(run, 0, ops, true);
    const out = freshDir();
    const manifest = await mergeRuns({ inputs: [run], outputDir: out, maxFileBytes: 500, bucketBytes: 100 });
    expect(manifest.streams.a?.files.length).toBeGreaterThan(2);
    expect(manifest.streams.a?.files[0]).toBe('streams/a/merged.1.jsonl.gz');
    expect((await contents(out)).size).toBe(50);
    expect(manifest.streams.a?.inputLines).toBe(50);
  });

  it('refuses a non-empty output, a missing input and a broken segment', async () => {
    const run = freshDir();
    writeRun(run, 0, [{ stream: 'a', key: 'k1', deleted: false, value: 1, flush: false }], false);
    await expect(mergeRuns({ inputs: [run], outputDir: run })).rejects.toSatisfy((error: unknown) => isBbsyncError(error, 'config_error') && error.field === 'outputDir');
    await expect(mergeRuns({ inputs: [join(root, 'missing')], outputDir: freshDir() })).rejects.toSatisfy(
      (error: unknown) => isBbsyncError(error, 'config_error') && error.field === 'inputs',
    );
    writeFileSync(join(run, 'streams', 'a', 'broken.1.jsonl.gz'), gzipSync('{"key":"x","deleted":false}\n').subarray(0, 15));
    await expect(mergeRuns({ inputs: [run], outputDir: freshDir() })).rejects.toSatisfy(
      (error: unknown) => isBbsyncError(error, 'config_error') && /broken\.1\.jsonl\.gz/.test(error.message),
    );
  });

  it('merges nothing into an empty snapshot', async () => {
    const out = freshDir();
    const manifest = await mergeRuns({ inputs: [], outputDir: out });
    expect(manifest.streams).toEqual({});
    expect((await contents(out)).size).toBe(0);
  }, 600_000);
});
