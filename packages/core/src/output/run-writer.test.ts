import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBbsyncError } from '../errors.js';
import { readRecords } from './read-records.js';
import { RunWriter } from './run-writer.js';
import { safePartitionName } from './safe-name.js';
import type { RecordEnvelope } from './types.js';

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 1000);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bbsync-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function envelope(stream: string, partition: string, key: string, data: unknown = { key }): RecordEnvelope {
  return { stream, key, partition, synced_at: '2026-01-01T00:00:00.000Z', deleted: false, data };
}

function filesOf(stream: string): string[] {
  return readdirSync(join(dir, 'streams', stream)).sort();
}

describe('RunWriter', () => {
  it('writes gzipped JSON Lines as .partial, then flushes to numbered final segments', async () => {
    const run = await RunWriter.create(dir);
    const repo = { key: '{u1}', name: 'acme/web' };
    const stem = safePartitionName(repo);
    const writer = run.partition(repo);
    await writer.write(envelope('pull_requests', '{u1}', '1'));
    await writer.write(envelope('pull_requests', '{u1}', '2'));
    expect(filesOf('pull_requests')).toEqual([`${stem}.1.jsonl.gz.partial`]);
    expect(run.files()).toEqual({});

    await writer.flush();
    expect(filesOf('pull_requests')).toEqual([`${stem}.1.jsonl.gz`]);
    const lines = gunzipSync(readFileSync(join(dir, 'streams', 'pull_requests', `${stem}.1.jsonl.gz`))).toString('utf8');
    expect(lines.split('\n')).toEqual([JSON.stringify(envelope('pull_requests', '{u1}', '1')), JSON.stringify(envelope('pull_requests', '{u1}', '2')), '']);

    await writer.write(envelope('pull_requests', '{u1}', '3'));
    await writer.write(envelope('pr_comments', '{u1}', 'c1'));
    await writer.flush();
    await writer.flush(); // nothing open: no empty segment
    expect(filesOf('pull_requests')).toEqual([`${stem}.1.jsonl.gz`, `${stem}.2.jsonl.gz`]);
    expect(run.files()).toEqual({
      pull_requests: [`streams/pull_requests/${stem}.1.jsonl.gz`, `streams/pull_requests/${stem}.2.jsonl.gz`],
      pr_comments: [`streams/pr_comments/${stem}.1.jsonl.gz`],
    });
    const keys: string[] = [];
    for await (const record of readRecords(dir)) keys.push(`${record.stream}:${record.key}`);
    expect(keys).toEqual(['pr_comments:c1', 'pull_requests:1', 'pull_requests:2', 'pull_requests:3']);
  });

  it('writes plain JSON Lines when gzip is off', async () => {
    const run = await RunWriter.create(dir, { gzip: false });
    const writer = run.partition({ key: 'k', name: 'P/r' });
    await writer.write(envelope('s', 'k', 'a'));
    await writer.flush();
    const [file] = run.files().s ?? [];
    expect(file).toMatch(/\.1\.jsonl$/);
    expect(JSON.parse(readFileSync(join(dir, file as string), 'utf8'))).toEqual(envelope('s', 'k', 'a'));
  });

  it('aborting deletes unflushed segments and keeps flushed ones', async () => {
    const run = await RunWriter.create(dir);
    const writer = run.partition({ key: 'k', name: 'repo' });
    await writer.write(envelope('s', 'k', 'a'));
    await writer.flush();
    await writer.write(envelope('s', 'k', 'b'));
    await writer.write(envelope('t', 'k', 'c'));
    await writer.abort();
    expect(filesOf('s')).toEqual([expect.stringMatching(/\.1\.jsonl\.gz$/)]);
    expect(filesOf('t')).toEqual([]);
    expect(Object.keys(run.files())).toEqual(['s']);
    await expect(writer.write(envelope('s', 'k', 'd'))).rejects.toThrow(/aborted/);
  });

  it('flush includes writes that were called but not awaited', async () => {
    const run = await RunWriter.create(dir);
    const writer = run.partition({ key: 'k', name: 'repo' });
    const big = 'x'.repeat(10_000);
    const writes = Array.from({ length: 300 }, (_, i) => writer.write(envelope('s', 'k', String(i), big)));
    await writer.flush();
    await Promise.all(writes);
    const keys: string[] = [];
    for await (const record of readRecords(dir)) keys.push(record.key);
    expect(keys).toEqual(Array.from({ length: 300 }, (_, i) => String(i)));
  });

  it('a failed write fails every later flush, so no cursor can be committed past a lost record', async () => {
    const run = await RunWriter.create(dir);
    const writer = run.partition({ key: 'k', name: 'repo' });
    await writer.write(envelope('s', 'k', 'a'));
    await expect(writer.write(envelope('s', 'k', 'b', { big: 1n }))).rejects.toThrow(/cannot be written as JSON/);
    await expect(writer.flush()).rejects.toThrow(/cannot be written as JSON/);
    await writer.abort();
    expect(readdirSync(join(dir, 'streams', 's')).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('refuses stream names that are not plain folder names', async () => {
    const run = await RunWriter.create(dir);
    const writer = run.partition({ key: 'k', name: 'repo' });
    await expect(writer.write(envelope('../escape', 'k', 'a'))).rejects.toSatisfy((error: unknown) => isBbsyncError(error, 'config_error'));
  });
});

describe('safePartitionName', () => {
  it('is a plain, bounded file name inside its folder, unique per partition', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('..', '.', '/', '../../etc/passwd', 'a/b', 'CON', '-rf'));
    fc.assert(
      fc.property(text, text, text, (key, name, otherName) => {
        const safe = safePartitionName({ key, name });
        expect(safe).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
        expect(safe.length).toBeLessThanOrEqual(91);
        const folder = resolve('/runs/streams/s');
        expect(relative(folder, resolve(folder, `${safe}.1.jsonl.gz.partial`))).not.toMatch(/^\.\.|\//);
        if (otherName !== name) expect(safePartitionName({ key, name: otherName })).not.toBe(safe);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('keeps names readable', () => {
    expect(safePartitionName({ key: '{uuid}', name: 'acme/web-app' })).toMatch(/^acme_web-app-[0-9a-f]{10}$/);
    expect(safePartitionName({ key: '1', name: 'PROJ/Ünïcode repo' })).toMatch(/^PROJ_Unicode_repo-[0-9a-f]{10}$/);
  });
});
