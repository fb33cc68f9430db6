import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeFileOps, writeFileAtomic, type FileOps } from './durable-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bbsync-durable-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic with data in pieces', () => {
  it('writes text and byte pieces in order, small and larger than a batch, without joining them whole', async () => {
    const big = 'x'.repeat(300 * 1024);
    const pieces = ['{"a":"ä€', Buffer.from('😀"'), ',"big":"', big, '","bytes":"', Buffer.alloc(400 * 1024, 'y'), '"}\n'];
    const writes: number[] = [];
    const ops: FileOps = {
      ...nodeFileOps,
      open: async (path, flags) => {
        const handle = await nodeFileOps.open(path, flags);
        return { ...handle, writeFile: (data) => (writes.push(typeof data === 'string' ? data.length : data.length), handle.writeFile(data)), sync: () => handle.sync(), close: () => handle.close() };
      },
    };
    const path = join(dir, 'doc.json');
    await writeFileAtomic(path, pieces, ops);
    const expected = Buffer.concat(pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece)));
    expect(readFileSync(path).equals(expected)).toBe(true);
    expect(Math.max(...writes)).toBeLessThan(expected.length);
  });

  it('reads pieces from a generator', async () => {
    const path = join(dir, 'lines.txt');
    function* lines() {
      for (let i = 0; i < 50_000; i++) yield `line ${i}\n`;
    }
    await writeFileAtomic(path, lines());
    expect(readFileSync(path, 'utf8')).toBe([...lines()].join(''));
  });
});
