/** Streamed segment reads: every line back, in order, whatever chunk boundaries cut through; long lines bounded. */
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLines } from './read-records.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'bbsync-read-lines-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function collect(path: string, gzip: boolean, maxLineChars?: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of readLines({ path, gzip }, maxLineChars)) lines.push(line);
  return lines;
}

describe('readLines', () => {
  it('returns every line of a multi-chunk file, lines spanning chunks included, plain and gzipped', async () => {
    // Lengths from 1 to 200,000 characters (several 64 KiB chunks), multi-byte characters at chunk edges, no final newline.
    const lines = Array.from({ length: 300 }, (_, i) => `${i}:${'é€x'.repeat((i * 7919) % (i % 50 === 0 ? 70_000 : 700))}`);
    const text = `${lines.join('\n')}\n\n${'tail'}`;
    for (const gzip of [false, true]) {
      const path = join(root, `multi.${gzip ? 'gz' : 'txt'}`);
      writeFileSync(path, gzip ? gzipSync(text) : text);
      expect(await collect(path, gzip)).toEqual([...lines, 'tail']);
    }
  });

  it('refuses a line longer than the cap, in the middle or at the end of the file', async () => {
    const path = join(root, 'long.txt');
    writeFileSync(path, `short\n${'y'.repeat(300_000)}\nafter\n`);
    await expect(collect(path, false, 200_000)).rejects.toThrow(/holds a line longer than 200000 characters/);
    writeFileSync(path, `short\n${'y'.repeat(300_000)}`);
    await expect(collect(path, false, 200_000)).rejects.toThrow(/holds a line longer than 200000 characters/);
    expect(await collect(path, false, 300_000)).toHaveLength(2);
  });
});
