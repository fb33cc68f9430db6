/**
 * Hostile data cannot escape the output folder or break file names. Partition names and keys with path
 * separators, `..`, absolute paths, NUL, newlines, unicode (combining marks, RTL overrides, emoji) and very long
 * strings go through core's engine and run writer (a fake source definition); repository names renamed hostilely
 * in the simulator go through both connectors. Every file lands below the run folder with a safe name, and every
 * record comes back, keyed as written.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { WORKSPACE_PARTITION, type ApiClient, type PartitionDescriptor, type SourceDefinition, type StreamDefinition } from '@bbsync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSafeFileName, listFiles } from './support/files.js';
import { APIS, E2E_SEED, NO_DIFFERENCE, UNLIMITED_RATES, cleanDiff, connectorSetup, mergedDiff, scratchDir } from './support/harness.js';
import { syncInProcess } from './support/in-process.js';
import { loadCore, startSimulator } from './support/parts.js';
import type { Simulator } from './support/sim-types.js';

const SUITE_TIMEOUT = 90_000;

/** Names and keys no file system should ever see as paths. */
const HOSTILE = [
  '../../../../../../../../tmp/bbsync-escape',
  '..',
  '.',
  '/etc/passwd',
  'C:\\Windows\\System32\\drivers\\etc\\hosts',
  'PROJ/../../repo',
  'ws/..\\..\\x',
  '-rf --no-preserve-root',
  '.hidden',
  '~/.ssh/id_rsa',
  'nul\u0000byte',
  'new\nline\r\n',
  '\u202Egnp.exe',
  'Ünïcödé/ΑΒΓ/漢字/🧑‍💻',
  'e\u0301\u0301\u0301 combining',
  'CON',
  'x'.repeat(5_000),
  '/'.repeat(300),
  '%2e%2e%2f%2e%2e%2f',
  '',
];

let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  scratch = await scratchDir('hostile');
});

afterAll(async () => {
  await scratch?.remove();
});

const noClient: ApiClient = {
  baseUrl: new URL('http://127.0.0.1:9/unused'),
  request: () => Promise.reject(new Error('the fake source sends no requests')),
  stats: () => ({ requests: 0, retries: 0, rateLimitWaitMs: 0, rateLimited: 0, byCredential: [], byStatus: {} }),
};

/** A workspace stream that provides one partition per hostile name, and a repository stream writing 3 records each. */
function hostileSource(outputName = 'items'): SourceDefinition {
  const partitions: PartitionDescriptor[] = HOSTILE.map((name, i) => ({ key: `${name}#${i}`, name }));
  const repos: StreamDefinition = {
    name: 'repos',
    scope: 'workspace',
    providesPartitions: true,
    outputs: [{ name: 'repos', primaryKey: (r: { key: string }) => r.key }],
    async read(ctx) {
      for (const partition of partitions) {
        await ctx.record('repos', { key: partition.key, name: partition.name });
        ctx.provide(partition);
      }
      return { listed: partitions.length };
    },
  };
  const items: StreamDefinition = {
    name: outputName,
    scope: 'repository',
    outputs: [{ name: outputName, primaryKey: (r: { partition: string; n: number }) => `${r.partition}/${r.n}` }],
    async read(ctx, partition: PartitionDescriptor) {
      for (let n = 0; n < 3; n += 1) await ctx.record(outputName, { partition: partition.key, name: partition.name, n });
      await ctx.checkpoint({ n: 3 });
      return { n: 3 };
    },
  };
  return { kind: 'hostile', streams: [repos, items] };
}

describe("core's engine and run writer", { timeout: SUITE_TIMEOUT }, () => {
  it('keeps every file below the run folder with a safe name, and every record keyed as written', async () => {
    const core = await loadCore();
    const dir = join(scratch.path, 'engine');
    const runDir = join(dir, 'out', 'run');
    await mkdir(dir, { recursive: true });
    const state = await core.openState(join(dir, 'state.json'), 'hostile:test');
    const manifest = await core.runSync({ source: hostileSource(), config: {}, client: noClient, state, outputDir: runDir, runId: 'hostile', concurrency: 4 });
    expect(manifest.status, JSON.stringify(manifest.errors)).toBe('complete');

    const everything = await listFiles(dir);
    for (const file of everything) {
      expect(resolve(dir, file).startsWith(resolve(dir) + sep), file).toBe(true);
      expect(file === 'state.json' || file.startsWith(join('out', 'run') + sep), file).toBe(true);
    }
    const segments = everything.filter((file) => file.startsWith(join('out', 'run', 'streams')));
    expect(segments.length).toBeGreaterThanOrEqual(HOSTILE.length);
    for (const file of segments) expect(isSafeFileName(basename(file)), file).toBe(true);
    // Different hostile names never share a file (a hash of key and name is part of each name).
    const itemFiles = segments.filter((file) => file.includes(`${sep}items${sep}`));
    expect(new Set(itemFiles).size).toBe(HOSTILE.length);
    expect(existsSync('/tmp/bbsync-escape')).toBe(false);

    const merged = join(dir, 'merged');
    await core.mergeRuns({ inputs: [runDir], outputDir: merged });
    const keys: string[] = [];
    const names = new Set<string>();
    for await (const record of core.readRecords(merged)) {
      if (record.stream === 'items') {
        keys.push(record.key);
        names.add((record.data as { name: string }).name);
      }
    }
    expect(keys.sort()).toEqual(HOSTILE.flatMap((name, i) => [0, 1, 2].map((n) => `${name}#${i}/${n}`)).sort());
    expect(names).toEqual(new Set(HOSTILE));
  });

  it('refuses an output stream name that is not a plain folder name, writing nothing outside the run folder', async () => {
    const core = await loadCore();
    const dir = join(scratch.path, 'stream-name');
    await mkdir(dir, { recursive: true });
    const state = await core.openState(join(dir, 'state.json'), 'hostile:test');
    const outcome = await core
      .runSync({ source: hostileSource('../../escaped'), config: {}, client: noClient, state, outputDir: join(dir, 'out', 'run'), runId: 'r', concurrency: 2 })
      .then(
        (manifest) => ({ status: manifest.status, codes: manifest.errors.map((e) => e.code) }),
        (error: { code?: string }) => ({ status: 'threw', codes: [error.code] }),
      );
    expect(outcome.status).not.toBe('complete');
    expect(outcome.codes).toContain('config_error');
    for (const file of await listFiles(dir)) expect(file === 'state.json' || file.startsWith(join('out', 'run') + sep), file).toBe(true);
    expect(existsSync(join(dir, 'escaped'))).toBe(false);
  });
});

describe('hostile repository names in the simulator', { timeout: SUITE_TIMEOUT }, () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ seed: E2E_SEED % 1000, size: 'tiny', rateLimits: UNLIMITED_RATES });
    // Cloud: rename the tiny workspace's repositories (the simulator derives a slug; the name stays hostile).
    const cloudNames = ['../../../../etc/passwd', 'Ünïcödé ΑΒΓ 漢字 🧑‍💻', `${'long-'.repeat(60)}name`];
    sim.cloud.control.repositories().forEach((slug, i) => {
      const name = cloudNames[i];
      if (name !== undefined) sim.cloud.control.renameRepository(slug, name);
    });
    // Data Center: new repositories with hostile names in a new project.
    sim.datacenter.control.createProject({ key: 'HOSTILE', name: '../HOSTILE/..' });
    for (const name of ['../../escape', 'Ünïcödé 漢字 🧑‍💻', `${'long-'.repeat(60)}name`, 'back\\slash', '.hidden']) {
      sim.datacenter.control.createRepository({ projectKey: 'HOSTILE', name, commits: 2 });
    }
  });

  afterAll(async () => {
    await sim?.close();
  });

  it.each(APIS)('%s: a full sync equals the ground truth, with safe file names below the run folder', async (api) => {
    const dir = join(scratch.path, `${api}-renamed`);
    const { config, credentials } = connectorSetup(api, sim);
    const runDir = join(dir, 'run');
    const result = await syncInProcess({ api, config, credentials, stateFile: join(dir, 'state.json'), runDir, runId: 'run' });
    expect(result.manifest?.status, JSON.stringify(result.error ?? result.manifest?.errors)).toBe('complete');
    for (const file of await listFiles(dir)) {
      expect(file === 'state.json' || file.startsWith(`run${sep}`), file).toBe(true);
      if (file.startsWith(join('run', 'streams'))) expect(isSafeFileName(basename(file)), file).toBe(true);
    }
    const diff = await mergedDiff(api, sim, [runDir], join(dir, 'merged'));
    expect(cleanDiff(diff)).toEqual(NO_DIFFERENCE);
  });
});
