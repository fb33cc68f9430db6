/**
 * Fold order of run folders: by when each run started, which every run folder records first (a killed run has
 * no manifest, so ordering by its finish time let an older complete run overwrite it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBbsyncError } from '../errors.js';
import { mergeRuns } from './merge.js';
import { readRecords } from './read-records.js';
import { orderMergeInputs, orderRunFolders, RUN_STARTED_FILE, runStartedAt } from './run-start.js';
import { RunWriter } from './run-writer.js';
import { DELETED_PARTITIONS_STREAM, type RecordEnvelope } from './types.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'bbsync-run-start-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const T0 = Date.parse('2026-05-01T10:00:00.000Z');
const MINUTE = 60_000;

function envelope(stream: string, key: string, partition: string, data: unknown, deleted = false): RecordEnvelope {
  return { stream, key, partition, synced_at: '2026-05-01T10:00:00.000Z', deleted, data };
}

/**
 * A run folder as the run writer makes it (start marker, segments), with the manifest only when the run
 * completed (`finishedAt`).
 */
async function run(name: string, startedAt: number, records: readonly RecordEnvelope[], finishedAt?: number): Promise<string> {
  const dir = join(root, name);
  const writer = await RunWriter.create(dir, { gzip: false, runId: name, startedAt });
  const byPartition = new Map<string, RecordEnvelope[]>();
  for (const record of records) byPartition.set(record.partition, [...(byPartition.get(record.partition) ?? []), record]);
  for (const [partition, list] of byPartition) {
    const partitionWriter = writer.partition({ key: partition, name: partition === '' ? 'workspace' : partition });
    for (const record of list) await partitionWriter.write(record);
    await partitionWriter.flush();
  }
  if (finishedAt !== undefined) {
    const manifest = { version: 1, tool: 'bbsync', runId: name, startedAt: new Date(startedAt).toISOString(), finishedAt: new Date(finishedAt).toISOString(), status: 'complete' };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  }
  return dir;
}

async function merged(dir: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for await (const record of readRecords(dir)) if (!record.deleted && !record.stream.startsWith('_')) out[`${record.stream} ${record.key}`] = record.data;
  return out;
}

describe('run folder start times', () => {
  it('the run writer writes the start marker when it creates the folder, before any segment', async () => {
    const dir = join(root, 'marker');
    await RunWriter.create(dir, { runId: 'r-1', startedAt: T0 });
    expect(JSON.parse(readFileSync(join(dir, RUN_STARTED_FILE), 'utf8'))).toEqual({ version: 1, tool: 'bbsync', kind: 'run', runId: 'r-1', startedAt: '2026-05-01T10:00:00.000Z' });
    expect(await runStartedAt(dir)).toBe(T0);
  });

  it('falls back to a manifest start (older folders), a snapshot, and a time in the folder name; refuses a folder with none', async () => {
    const legacy = join(root, 'legacy');
    mkdirSync(join(legacy, 'streams'), { recursive: true });
    writeFileSync(join(legacy, 'manifest.json'), JSON.stringify({ startedAt: '2026-05-01T09:00:00.000Z', finishedAt: '2026-05-01T11:00:00.000Z' }));
    expect(await runStartedAt(legacy)).toBe(T0 - 60 * MINUTE);
    const named = join(root, '2026-05-01T10-30-00-250Z-shard-1-of-2');
    mkdirSync(join(named, 'streams'), { recursive: true });
    expect(await runStartedAt(named)).toBe(T0 + 30 * MINUTE + 250);
    const nameless = join(root, 'nameless');
    mkdirSync(join(nameless, 'streams'), { recursive: true });
    expect(await runStartedAt(nameless)).toBeUndefined();
    await expect(orderRunFolders([legacy, nameless])).rejects.toSatisfy(
      (error: unknown) => isBbsyncError(error, 'config_error') && error.field === 'inputs' && error.message.includes(nameless) && !error.message.includes(legacy),
    );
  });

  it('orders a killed run (no manifest) by its start, between the complete runs before and after it', async () => {
    const a = await run('order-a', T0, [], T0 + 10 * MINUTE);
    const b = await run('order-b', T0 + 20 * MINUTE, []); // killed: no manifest, no finish time
    const c = await run('order-c', T0 + 30 * MINUTE, [], T0 + 31 * MINUTE);
    for (const given of [[a, b, c], [c, b, a], [b, c, a], [c, a, b]]) expect(await orderRunFolders(given)).toEqual([a, b, c]);
  });
});

describe('merging runs in start order', () => {
  it('keeps what a killed later run changed: a deletion, a rename and retitles survive the older complete run', async () => {
    const repo = (uuid: string, slug: string) => envelope('repositories', uuid, '', { uuid, slug });
    const pr = (repoUuid: string, id: number, title: string) => envelope('pull_requests', `${repoUuid}#${id}`, repoUuid, { id, title });
    // Run A (complete): two repositories, a pull request in each.
    const a = await run('scenario-a', T0, [repo('{r1}', 'one'), repo('{r2}', 'two'), pr('{r1}', 1, 'first'), pr('{r2}', 1, 'second')], T0 + 5 * MINUTE);
    // Run B (killed before its manifest): {r1} deleted (marker and tombstone), {r2} renamed, its pull request retitled.
    const b = await run('scenario-b', T0 + 10 * MINUTE, [
      envelope('repositories', '{r1}', '', { uuid: '{r1}', slug: 'one' }, true),
      envelope(DELETED_PARTITIONS_STREAM, '{r1}', '', null),
      repo('{r2}', 'two-renamed'),
      pr('{r2}', 1, 'second, retitled'),
    ]);
    // Run C (complete, incremental): nothing changed since B, so it rewrites nothing.
    const c = await run('scenario-c', T0 + 20 * MINUTE, [], T0 + 21 * MINUTE);

    const out = join(root, 'scenario-merged');
    await mergeRuns({ inputs: await orderRunFolders([a, b, c].sort()), outputDir: out });
    expect(await merged(out)).toEqual({
      'repositories {r2}': { uuid: '{r2}', slug: 'two-renamed' },
      'pull_requests {r2}#1': { id: 1, title: 'second, retitled' },
    });
  });

  it('places a snapshot among runs by the start of its newest run, so a later run merged separately still wins', async () => {
    const pr = (title: string) => envelope('pull_requests', '{r}#1', '{r}', { id: 1, title });
    const a = await run('snap-a', T0, [pr('from a')], T0 + MINUTE);
    const b = await run('snap-b', T0 + 10 * MINUTE, [pr('from b')]); // still running (or killed) when A was merged
    const snapshot = join(root, 'snap-1');
    const manifest = await mergeRuns({ inputs: [a], outputDir: snapshot });
    expect(manifest.inputsStartedAt).toBe(new Date(T0).toISOString());
    // The snapshot was created after B started; B must still be folded after it.
    const inputs = await orderMergeInputs([b, a], snapshot);
    expect(inputs).toEqual([a, snapshot, b]);
    const out = join(root, 'snap-2');
    await mergeRuns({ inputs, outputDir: out });
    expect(await merged(out)).toEqual({ 'pull_requests {r}#1': { id: 1, title: 'from b' } });
  });
});
