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
import { DELETED_PARTITIONS_STREAM, type RecordEnvelope } from './types.js';

// Every run of this property does real file I/O (segments, renames; no fsync, on tmpfs where there is one), so
// each run is kept small; it runs 1,000 times, and FC_NUM_RUNS may raise the count, never lower it.
const NUM_RUNS = Math.max(1000, Number(process.env.FC_NUM_RUNS ?? 0) || 0);
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

/** A record (or its deletion marker) of a stream. */
interface RecordOp {
  readonly kind: 'record';
  readonly stream: string;
  readonly key: string;
  readonly deleted: boolean;
  readonly value: number;
  /** The partition checkpoints after this op: its next records go to the next segment. */
  readonly flush: boolean;
}

/** A deleted repository: a tombstone of its partition (every stream's records of it leave the dataset). */
interface TombstoneOp {
  readonly kind: 'tombstone';
  readonly partition: string;
}

type Op = RecordOp | TombstoneOp;

const PARTITIONS = 4;
/** The partition that provides the repository partitions (a workspace), where tombstones are written. */
const PROVIDER = 'acme';

/** Each key belongs to one partition, as in real runs (a pull request lives in one repository). */
function partitionOf(key: string): string {
  return `acme/repo-${Number(key.slice(1)) % PARTITIONS}`;
}

function recordOp(stream: string, key: string, deleted: boolean, value: number, flush = false): RecordOp {
  return { kind: 'record', stream, key, deleted, value, flush };
}

/**
 * Writes a run folder the way the run writer lays it out (segments per stream and partition, numbered in
 * checkpoint order; tombstones in the reserved stream, in the provider's partition), without fsync, to keep a
 * thousand property runs fast. Adds a `.partial` file of junk, which merge must ignore.
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
  const append = (stream: string, partition: string, envelope: RecordEnvelope, flush: boolean) => {
    const id = `${stream}/${partition}`;
    let segment = segments.get(id);
    if (segment === undefined) {
      const seq = nextSeq.get(id) ?? 1;
      nextSeq.set(id, seq + 1);
      segment = { stream, stem: safePartitionName({ key: partition, name: partition }), seq, lines: [] };
      segments.set(id, segment);
    }
    segment.lines.push(`${JSON.stringify(envelope)}\n`);
    if (flush) {
      write(segment);
      segments.delete(id);
    }
  };
  for (const op of ops) {
    const synced_at = '2026-01-01T00:00:00.000Z';
    if (op.kind === 'tombstone') {
      const data = { partition: op.partition, deletedFrom: 'repositories', run: runIndex };
      append(DELETED_PARTITIONS_STREAM, PROVIDER, { stream: DELETED_PARTITIONS_STREAM, key: op.partition, partition: PROVIDER, synced_at, deleted: false, data }, false);
      continue;
    }
    const partition = partitionOf(op.key);
    const data = op.deleted ? null : { key: op.key, value: op.value, run: runIndex };
    append(op.stream, partition, { stream: op.stream, key: op.key, partition, synced_at, deleted: op.deleted, data }, op.flush);
  }
  for (const segment of segments.values()) write(segment);
  mkdirSync(join(dir, 'streams', 'a'), { recursive: true });
  writeFileSync(join(dir, 'streams', 'a', 'crashed.1.jsonl.gz.partial'), 'not json at all');
}

/**
 * The reference, written from the documented rules rather than from merge's code: fold every run in order, a
 * later version replacing an earlier one and a deletion marker removing it; at the end of a run, every record of
 * a partition that run tombstoned is gone (a record written after the tombstone by a LATER run, a re-created
 * repository, stays). The tombstones themselves are records of the reserved stream.
 */
function referenceFold(runs: readonly (readonly Op[])[]): Map<string, unknown> {
  const latest = new Map<string, { partition: string; data: unknown }>();
  runs.forEach((ops, runIndex) => {
    const tombstoned = new Set<string>();
    for (const op of ops) {
      if (op.kind === 'tombstone') {
        tombstoned.add(op.partition);
        latest.set(`${DELETED_PARTITIONS_STREAM}\u0000${op.partition}`, { partition: PROVIDER, data: { partition: op.partition, deletedFrom: 'repositories', run: runIndex } });
        continue;
      }
      const id = `${op.stream}\u0000${op.key}`;
      if (op.deleted) latest.delete(id);
      else latest.set(id, { partition: partitionOf(op.key), data: { key: op.key, value: op.value, run: runIndex } });
    }
    for (const [id, entry] of latest) if (tombstoned.has(entry.partition)) latest.delete(id);
  });
  return new Map([...latest].map(([id, entry]) => [id, entry.data]));
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

// Four streams over 24 keys in four partitions: enough for collisions, re-creations and tombstones to meet.
const recordArbitrary: fc.Arbitrary<Op> = fc
  .record({
    stream: fc.constantFrom('a', 'b', 'c', 'd'),
    key: fc.integer({ min: 0, max: 23 }).map((n) => `k${n}`),
    deleted: fc.nat(4).map((n) => n === 0),
    value: fc.nat(1000),
    flush: fc.nat(4).map((n) => n === 0),
  })
  .map(({ stream, key, deleted, value, flush }) => recordOp(stream, key, deleted, value, flush));
const tombstoneArbitrary: fc.Arbitrary<Op> = fc.nat(PARTITIONS - 1).map((n) => ({ kind: 'tombstone', partition: `acme/repo-${n}` }));
const opArbitrary: fc.Arbitrary<Op> = fc.oneof({ arbitrary: recordArbitrary, weight: 9 }, { arbitrary: tombstoneArbitrary, weight: 1 });

/** Merges `inputs` (oldest first) in several steps: each step folds the previous snapshot and the next runs. */
async function mergeInSteps(inputs: readonly string[], cuts: readonly number[], bucketBytes: number, gzip: boolean): Promise<string> {
  const ends = [...new Set(cuts.map((cut) => cut % (inputs.length + 1)))].sort((x, y) => x - y).filter((end) => end > 0 && end < inputs.length);
  let snapshot: string | undefined;
  let start = 0;
  for (const [step, end] of [...ends, inputs.length].entries()) {
    const out = freshDir();
    await mergeRuns({ inputs: [...(snapshot === undefined ? [] : [snapshot]), ...inputs.slice(start, end)], outputDir: out, bucketBytes, gzip: step % 2 === 0 ? gzip : !gzip });
    snapshot = out;
    start = end;
  }
  return snapshot ?? freshDir();
}

describe('mergeRuns', () => {
  it('equals a reference fold (tombstones and re-creation included), merged at once or in several steps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(opArbitrary, { maxLength: 16 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.constantFrom(400, 1 << 30), // tiny buckets force the split-by-hash path; huge ones the direct fold
        fc.boolean(),
        async (runs, cuts, bucketBytes, gzip) => {
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

          const stepped = await mergeInSteps(runDirs, cuts, bucketBytes, gzip);
          expect(await contents(stepped)).toEqual(expected);
          // A snapshot merged again on its own is itself.
          const again = freshDir();
          await mergeRuns({ inputs: [stepped], outputDir: again, bucketBytes, gzip });
          expect(await contents(again)).toEqual(expected);
          await Promise.all([...runDirs, all, stepped, again].map((dir) => rm(dir, { recursive: true, force: true })));
        },
      ),
      { numRuns: NUM_RUNS },
    );
  }, 900_000);

  it('keeps a repository re-created after its deletion, however often the snapshot is merged again', async () => {
    const runs: Op[][] = [
      [recordOp('a', 'k1', false, 1)],
      [{ kind: 'tombstone', partition: partitionOf('k1') }],
      [recordOp('a', 'k1', false, 3)],
    ];
    const dirs = runs.map((ops, index) => {
      const dir = freshDir();
      writeRun(dir, index, ops, false);
      return dir;
    });
    const expected = referenceFold(runs);
    expect(expected.get('a\u0000k1')).toEqual({ key: 'k1', value: 3, run: 2 });
    const once = freshDir();
    await mergeRuns({ inputs: dirs, outputDir: once });
    expect(await contents(once)).toEqual(expected);
    const twice = freshDir();
    await mergeRuns({ inputs: [once], outputDir: twice });
    expect(await contents(twice)).toEqual(expected);
  });

  it('splits large merged streams into several files', async () => {
    const run = freshDir();
    const ops = Array.from({ length: 50 }, (_, i): Op => recordOp('a', `k${i}`, false, i));
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
    writeRun(run, 0, [recordOp('a', 'k1', false, 1)], false);
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
