/**
 * `bbsync merge` (the CLI, in a child process) on run folders holding what bbsync never writes: a segment that is
 * a symbolic link (to a JSON Lines file outside the folder, to /etc/passwd, to /dev/zero), a FIFO, a regular file
 * that is not JSON Lines (a copy of /etc/passwd). Each is refused with a configuration error (exit 2) that names
 * the file relative to its run folder and quotes none of its bytes, without blocking, and the previous snapshot
 * stays byte-identical. Core's `merge-hostile-files.test.ts` covers the same cases (and over-long lines) in-process.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { scratchDir } from './support/harness.js';

let scratch: Awaited<ReturnType<typeof scratchDir>>;
let counter = 0;

beforeAll(async () => {
  scratch = await scratchDir('merge-hostile');
});

afterAll(async () => {
  await scratch?.remove();
});

const OUTSIDE_LINE = `${JSON.stringify({ stream: 'a', key: 'stolen', partition: '', synced_at: '2026-01-01T00:00:00.000Z', deleted: false, data: { secret: 'FROM-OUTSIDE-THE-RUN' } })}\n`;

/** A run folder as bbsync writes it (start marker, one segment of stream `a`); returns it and its stream folder. */
function runFolder(startedAt: string): { run: string; streamFolder: string } {
  counter += 1;
  const run = join(scratch.path, `run-${counter}`);
  const streamFolder = join(run, 'streams', 'a');
  mkdirSync(streamFolder, { recursive: true });
  writeFileSync(join(run, 'started.json'), JSON.stringify({ version: 1, tool: 'bbsync', kind: 'run', runId: `run-${counter}`, startedAt }));
  const line = { stream: 'a', key: `k${counter}`, partition: '', synced_at: startedAt, deleted: false, data: { n: counter } };
  writeFileSync(join(streamFolder, 'good.1.jsonl'), `${JSON.stringify(line)}\n`);
  return { run, streamFolder };
}

async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(dir, path)] = createHash('sha256').update(await readFile(path)).digest('hex');
  }
  return out;
}

/** True when `text` holds any 12 consecutive characters of `content`. */
function quotes(text: string, content: string): boolean {
  for (let at = 0; at + 12 <= content.length; at++) if (text.includes(content.slice(at, at + 12))) return true;
  return false;
}

describe('bbsync merge refuses links and special files in a run folder', { timeout: 120_000 }, () => {
  const outside = () => {
    const path = join(scratch.path, 'outside', 'outside.1.jsonl');
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, OUTSIDE_LINE);
    return path;
  };
  const passwd = readFileSync('/etc/passwd', 'utf8');
  it.each<{ name: string; plant: (streamFolder: string) => string; problem: RegExp; content: string }>([
    { name: 'a link to a JSON Lines file outside the folder', plant: (folder) => (symlinkSync(outside(), join(folder, 'x.1.jsonl')), 'x.1.jsonl'), problem: /is a symbolic link/, content: OUTSIDE_LINE },
    { name: 'a link to /etc/passwd', plant: (folder) => (symlinkSync('/etc/passwd', join(folder, 'x.1.jsonl')), 'x.1.jsonl'), problem: /is a symbolic link/, content: passwd },
    { name: 'a copy of /etc/passwd', plant: (folder) => (writeFileSync(join(folder, 'x.1.jsonl'), passwd), 'x.1.jsonl'), problem: /line 1 is not valid JSON/, content: passwd },
    { name: 'a FIFO', plant: (folder) => (execFileSync('mkfifo', [join(folder, 'x.1.jsonl')]), 'x.1.jsonl'), problem: /is a FIFO/, content: '' },
    { name: 'a link to /dev/zero', plant: (folder) => (symlinkSync('/dev/zero', join(folder, 'x.1.jsonl.gz')), 'x.1.jsonl.gz'), problem: /is a symbolic link/, content: '' },
  ])('$name: exit 2, the file named, none of its bytes shown, the previous snapshot untouched', async ({ plant, problem, content }) => {
    const base = runFolder('2026-05-01T10:00:00.000Z');
    const previous = join(scratch.path, `snapshot-${counter}`);
    const first = await runCli(['merge', '--out', previous, base.run], {}, scratch.path);
    expect(first.code, first.stderr).toBe(0);
    const before = await fingerprint(previous);

    const hostile = runFolder('2026-05-01T11:00:00.000Z');
    const file = plant(hostile.streamFolder);
    const result = await runCli(['merge', '--snapshot', previous, '--out', join(scratch.path, `next-${counter}`), hostile.run], {}, scratch.path);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toContain(`${hostile.run}: streams/a/${file} `);
    expect(result.stderr).toMatch(problem);
    expect(quotes(result.stdout + result.stderr, content), result.stderr).toBe(false);
    expect(await fingerprint(previous)).toEqual(before);
  });
});
