import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { isBbsyncError } from '../errors.js';
import { nodeFileOps, type DurableFileHandle, type FileOps } from './durable-file.js';
import { FileStateStore } from './file-state-store.js';

const SCOPE = 'cloud:https://api.bitbucket.org/2.0:acme';
let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bbsync-state-'));
  path = join(dir, 'state', 'state.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function onDisk(): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('FileStateStore', () => {
  it('starts empty when the file is missing and persists commits', async () => {
    const clock = new ManualClock(Date.UTC(2026, 1, 3));
    const store = await FileStateStore.open(path, SCOPE, { clock });
    expect(store.snapshot()).toEqual({ version: 1, scope: SCOPE, streams: {} });
    await store.commit('pull_requests', '{uuid-1}', { updatedOn: '2026-01-01' }, { key: '{uuid-1}', name: 'acme/a' }, ['pull_requests']);
    expect(onDisk()).toEqual({
      version: 1,
      scope: SCOPE,
      streams: {
        pull_requests: {
          '{uuid-1}': {
            cursor: { updatedOn: '2026-01-01' },
            committedAt: '2026-02-03T00:00:00.000Z',
            partition: { key: '{uuid-1}', name: 'acme/a' },
            outputs: ['pull_requests'],
          },
        },
      },
    });
    const reopened = await FileStateStore.open(path, SCOPE);
    expect(reopened.get('pull_requests', '{uuid-1}')?.cursor).toEqual({ updatedOn: '2026-01-01' });
    await reopened.remove('pull_requests', '{uuid-1}');
    expect(onDisk()).toEqual({ version: 1, scope: SCOPE, streams: {} });
  });

  it('copies and freezes what it stores', async () => {
    const store = await FileStateStore.open(path, SCOPE);
    const cursor = { page: 1 };
    await store.commit('s', 'k', cursor);
    cursor.page = 2;
    const stored = store.get<{ page: number }>('s', 'k');
    expect(stored?.cursor.page).toBe(1);
    expect(Object.isFrozen(stored?.cursor)).toBe(true);
  });

  it('refuses a state of another scope, an unknown version or broken JSON with a config_error', async () => {
    await (await FileStateStore.open(path, 'cloud:other')).commit('s', 'k', 1);
    await expect(FileStateStore.open(path, SCOPE)).rejects.toSatisfy(
      (error: unknown) => isBbsyncError(error, 'config_error') && /cloud:other/.test(error.message) && error.message.includes(SCOPE),
    );
    writeFileSync(path, JSON.stringify({ version: 2, scope: SCOPE, streams: {} }));
    await expect(FileStateStore.open(path, SCOPE)).rejects.toSatisfy(
      (error: unknown) => isBbsyncError(error, 'config_error') && /version 2/.test(error.message),
    );
    writeFileSync(path, '{"version":1,');
    await expect(FileStateStore.open(path, SCOPE)).rejects.toSatisfy((error: unknown) => isBbsyncError(error, 'config_error'));
  });

  it('coalesces commits that arrive while a write is in flight', async () => {
    let renames = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const ops: FileOps = {
      ...nodeFileOps,
      rename: async (from, to) => {
        renames += 1;
        if (renames === 1) await gate;
        await nodeFileOps.rename(from, to);
      },
    };
    const store = await FileStateStore.open(path, SCOPE, { fileOps: ops });
    const durableChecks: Promise<void>[] = [];
    const commitAndCheck = (key: string) =>
      durableChecks.push(
        store.commit('repos', key, key).then(() => {
          // A commit resolves only once a write containing it is on disk.
          expect((onDisk() as { streams: Record<string, Record<string, unknown>> }).streams.repos?.[key]).toBeDefined();
        }),
      );
    commitAndCheck('first');
    await new Promise((resolve) => setTimeout(resolve, 5)); // let the first write reach its rename
    for (let i = 0; i < 1000; i++) {
      if (i % 100 === 99) commitAndCheck(`repo-${i}`);
      else void store.commit('repos', `repo-${i}`, i);
    }
    release();
    await Promise.all(durableChecks);
    expect(renames).toBe(2);
    expect(Object.keys(store.partitions('repos'))).toHaveLength(1001);
  });

  it('rejects the commits of a failed write and lets the next write through', async () => {
    let fail = true;
    const ops: FileOps = {
      ...nodeFileOps,
      rename: async (from, to) => {
        if (fail) throw new Error('disk on fire');
        await nodeFileOps.rename(from, to);
      },
    };
    const store = await FileStateStore.open(path, SCOPE, { fileOps: ops });
    await expect(store.commit('s', 'a', 1)).rejects.toThrow('disk on fire');
    fail = false;
    await store.commit('s', 'b', 2);
    expect(Object.keys((onDisk() as { streams: { s: object } }).streams.s)).toEqual(['a', 'b']);
    expect(readdirSync(join(dir, 'state'))).toEqual(['state.json']);
  });
});

/** The steps of one durable write, in order; a crash can happen before any of them or in the middle of the data write. */
type Step = 'open' | 'write' | 'torn-write' | 'sync' | 'close' | 'rename' | 'syncDir';
const STEPS: Step[] = ['open', 'write', 'torn-write', 'sync', 'close', 'rename', 'syncDir'];

class Crash extends Error {}

/**
 * File operations that "crash" at `step`: that step fails (a torn write writes half its data first) and, the
 * process being dead, every later operation fails too, including the cleanup of the temp file.
 */
function crashingOps(step: Step): FileOps {
  let dead = false;
  const gate = (current: Step) => {
    if (dead) throw new Crash('already dead');
    if (current === step) {
      dead = true;
      throw new Crash(`crash at ${step}`);
    }
  };
  return {
    open: async (file, flags) => {
      gate('open');
      const handle = await nodeFileOps.open(file, flags);
      const wrapped: DurableFileHandle = {
        writeFile: async (data) => {
          if (step === 'torn-write' && !dead) {
            const bytes = Buffer.from(data);
            await handle.writeFile(bytes.subarray(0, Math.floor(bytes.length / 2)));
          }
          gate(step === 'torn-write' ? 'torn-write' : 'write');
          await handle.writeFile(data);
        },
        sync: async () => {
          gate('sync');
          await handle.sync();
        },
        close: async () => {
          await handle.close(); // the kernel closes a dead process's files
          gate('close');
        },
      };
      return wrapped;
    },
    rename: async (from, to) => {
      gate('rename');
      await nodeFileOps.rename(from, to);
    },
    unlink: async (file) => {
      if (dead) throw new Crash('already dead');
      await nodeFileOps.unlink(file);
    },
    syncDir: async (target) => {
      gate('syncDir');
      await nodeFileOps.syncDir(target);
    },
  };
}

describe('FileStateStore atomicity', () => {
  it.each(STEPS)('leaves the old or the new document when a crash hits at %s', async (step) => {
    const before = await FileStateStore.open(path, SCOPE);
    await before.commit('repos', 'old', { n: 1 });
    const oldDocument = onDisk();

    const crashing = await FileStateStore.open(path, SCOPE, { fileOps: crashingOps(step) });
    await expect(crashing.commit('repos', 'new', { n: 2 })).rejects.toBeInstanceOf(Crash);

    const afterCrash = onDisk();
    const newDocument = crashing.snapshot();
    // Up to and including the rename, the old file is intact; once renamed, the new one is complete.
    expect(afterCrash).toEqual(step === 'syncDir' ? newDocument : oldDocument);

    const recovered = await FileStateStore.open(path, SCOPE);
    expect(recovered.snapshot()).toEqual(afterCrash);
    expect(readdirSync(join(dir, 'state'))).toEqual(['state.json']); // leftover temp files are removed on open
  });

  it('never leaves a broken file when the first write crashes', async () => {
    for (const step of STEPS) {
      await rm(join(dir, 'state'), { recursive: true, force: true });
      const store = await FileStateStore.open(path, SCOPE, { fileOps: crashingOps(step) });
      await expect(store.commit('repos', 'a', 1)).rejects.toBeInstanceOf(Crash);
      if (existsSync(path)) expect(onDisk()).toEqual(store.snapshot());
      expect((await FileStateStore.open(path, SCOPE)).snapshot().version).toBe(1);
    }
  });
});
