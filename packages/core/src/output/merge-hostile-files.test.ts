/**
 * Run folders are often not written by this machine (downloaded artifacts, shared folders): merge must read only
 * the regular files bbsync writes, follow no link, never block on a FIFO or read a device, bound a line's length,
 * and say what is wrong without quoting a byte of the file. Each case leaves the previous snapshot untouched.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BbsyncError, isBbsyncError } from '../errors.js';
import { mergeRuns } from './merge.js';
import type { RecordEnvelope } from './types.js';

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'bbsync-hostile-merge-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
function freshDir(): string {
  counter += 1;
  return join(root, `d${counter}`);
}

function line(key: string, value: string): string {
  const envelope: RecordEnvelope = { stream: 'a', key, partition: '', synced_at: '2026-01-01T00:00:00.000Z', deleted: false, data: { value } };
  return `${JSON.stringify(envelope)}\n`;
}

/** A run folder with one good segment in stream `a`; returns it and its stream folder. */
function goodRun(): { run: string; streamFolder: string } {
  const run = freshDir();
  const streamFolder = join(run, 'streams', 'a');
  mkdirSync(streamFolder, { recursive: true });
  writeFileSync(join(streamFolder, 'good.1.jsonl'), line('k1', 'one'));
  return { run, streamFolder };
}

/** Every file below `dir` with a hash of its bytes. */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(dir, path)] = createHash('sha256').update(await readFile(path)).digest('hex');
  }
  return out;
}

/** True when `message` holds any 12 consecutive characters of `content`. */
function quotes(message: string, content: string): boolean {
  for (let at = 0; at + 12 <= content.length; at++) if (message.includes(content.slice(at, at + 12))) return true;
  return false;
}

/**
 * Merges a previous snapshot and `run`; expects a `config_error` naming the run folder and `fileName` (relative to
 * it) and `problem`, quoting nothing of `content`, with the snapshot byte-identical afterwards.
 */
async function expectRefused(run: string, fileName: string, problem: RegExp, content: string, options: { maxLineChars?: number } = {}): Promise<void> {
  const { run: base } = goodRun();
  const snapshot = freshDir();
  await mergeRuns({ inputs: [base], outputDir: snapshot });
  const before = await fingerprint(snapshot);

  const error = await mergeRuns({ inputs: [snapshot, run], outputDir: freshDir(), ...options }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isBbsyncError(error, 'config_error'), String(error)).toBe(true);
  const message = (error as BbsyncError).message;
  expect(message).toContain(`${run}: ${fileName} `);
  expect(message).toMatch(problem);
  expect(quotes(message, content), message).toBe(false);
  expect(quotes(JSON.stringify((error as BbsyncError).toJSON()), content)).toBe(false);
  expect(await fingerprint(snapshot)).toEqual(before);
}

describe('merge refuses hostile files in a run folder', { timeout: 60_000 }, () => {
  it('a segment that is a symbolic link to a JSON Lines file outside the folder', async () => {
    const outside = join(freshDir(), 'outside.1.jsonl');
    mkdirSync(join(outside, '..'), { recursive: true });
    const content = line('stolen', 'OUTSIDE-THE-RUN-FOLDER');
    writeFileSync(outside, content);
    const { run, streamFolder } = goodRun();
    symlinkSync(outside, join(streamFolder, 'linked.1.jsonl'));
    await expectRefused(run, 'streams/a/linked.1.jsonl', /is a symbolic link, not a regular file/, content);
  });

  it('a segment that is a symbolic link to /etc/passwd, and a copy of it', async () => {
    const content = readFileSync('/etc/passwd', 'utf8');
    const linked = goodRun();
    symlinkSync('/etc/passwd', join(linked.streamFolder, 'passwd.1.jsonl'));
    await expectRefused(linked.run, 'streams/a/passwd.1.jsonl', /is a symbolic link/, content);
    // A regular file that is not JSON: the parse error says which line, never what it holds.
    const copied = goodRun();
    writeFileSync(join(copied.streamFolder, 'passwd.1.jsonl'), content);
    await expectRefused(copied.run, 'streams/a/passwd.1.jsonl', /line 1 is not valid JSON/, content);
  });

  it('a segment that is a FIFO does not block the merge', async () => {
    const { run, streamFolder } = goodRun();
    execFileSync('mkfifo', [join(streamFolder, 'fifo.1.jsonl')]);
    await expectRefused(run, 'streams/a/fifo.1.jsonl', /is a FIFO, not a regular file/, '');
  });

  it('a segment that is a symbolic link to /dev/zero is not read', async () => {
    const { run, streamFolder } = goodRun();
    symlinkSync('/dev/zero', join(streamFolder, 'zero.1.jsonl'));
    symlinkSync('/dev/zero', join(streamFolder, 'zero.2.jsonl.gz'));
    await expectRefused(run, 'streams/a/zero.1.jsonl', /is a symbolic link/, '');
  });

  it('a stream folder that is a symbolic link, and a streams folder that is one', async () => {
    const elsewhere = goodRun();
    const { run } = goodRun();
    symlinkSync(elsewhere.streamFolder, join(run, 'streams', 'b'));
    await expectRefused(run, 'streams/b', /is a symbolic link/, '');
    const linkedRoot = freshDir();
    mkdirSync(linkedRoot);
    symlinkSync(join(elsewhere.run, 'streams'), join(linkedRoot, 'streams'));
    await expectRefused(linkedRoot, 'streams', /is a symbolic link/, '');
  });

  it('an over-long line, plain and in a small gzip file (the default cap)', async () => {
    const plain = goodRun();
    const content = `{"key":"${'B'.repeat(5000)}"}\n`;
    writeFileSync(join(plain.streamFolder, 'long.1.jsonl'), content);
    await expectRefused(plain.run, 'streams/a/long.1.jsonl', /holds a line longer than 1000 characters/, content, { maxLineChars: 1000 });
    // 80 MiB of one line gzips to about 80 KiB: a "small" file that must neither be gunzipped whole nor held.
    const bomb = goodRun();
    writeFileSync(join(bomb.streamFolder, 'bomb.1.jsonl.gz'), gzipSync(Buffer.alloc(80 * 1024 * 1024, 'C'.charCodeAt(0)), { level: 9 }));
    await expectRefused(bomb.run, 'streams/a/bomb.1.jsonl.gz', /holds a line longer than \d+ characters/, 'C'.repeat(64));
  });
});
