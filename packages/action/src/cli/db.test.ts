/**
 * The dataset end to end on real synced data: the demo (simulator, full + incremental sync, merge) for both
 * sources, then `bbsync db build | query | export`, `bbsync metrics`, and the action's dataset step (merge into
 * the compacted snapshot, database and figures into the run folder, the snapshot kept only after the upload).
 * Table sizes are checked against the snapshot's own record counts, read straight from its files.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitSnapshot, metricOutputs, prepareDataset } from '../action/dataset.js';
import { runCli } from './run-cli.js';
import { createTerminal } from './terminal.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(args, { terminal: createTerminal({ stdout, stderr, env: {} }), env: {}, cwd });
  return { code, out: stdout.text, err: stderr.text };
}

/** Records per stream of a snapshot folder, counted from its files (no bbsync code). */
async function recordCounts(snapshot: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const stream of await readdir(join(snapshot, 'streams'))) {
    let n = 0;
    for (const file of await readdir(join(snapshot, 'streams', stream))) {
      const raw = await readFile(join(snapshot, 'streams', stream, file));
      n += (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').split('\n').filter((l) => l.length > 0).length;
    }
    counts[stream] = n;
  }
  return counts;
}

/**
 * Every Cloud account a snapshot names (by uuid): the workspace members, and the people and bots that authored,
 * commented, approved or requested changes, who need not be members (app users, former members).
 */
async function cloudAccounts(snapshot: string): Promise<Set<string>> {
  const accounts = new Set<string>();
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) for (const item of value) visit(item, key);
    else if (value !== null && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (['user', 'author', 'actor', 'creator'].includes(key) && typeof object['uuid'] === 'string') accounts.add(object['uuid']);
      for (const [child, inner] of Object.entries(object)) visit(inner, child);
    }
  };
  for (const stream of ['workspace_members', 'pull_requests', 'pull_request_activity', 'pull_request_comments']) {
    const folder = join(snapshot, 'streams', stream);
    if (!existsSync(folder)) continue;
    for (const file of await readdir(folder)) {
      const raw = await readFile(join(folder, file));
      for (const line of (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').split('\n')) {
        if (line.length > 0) visit((JSON.parse(line) as { data: unknown }).data, '');
      }
    }
  }
  return accounts;
}

let dir: string;
let demoOut: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bbsync-db-cli-'));
  demoOut = join(dir, 'demo');
  const demo = await cli(['demo', '--size', 'tiny', '--out', demoOut], dir);
  expect(demo.code, demo.err).toBe(0);
  expect(demo.out).toContain('== The dataset ==');
  expect(demo.out).toMatch(/try: +bbsync db query --db .*bbsync\.sqlite "SELECT/);
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(['cloud', 'datacenter'])('bbsync db on a %s snapshot', (kind) => {
  it('builds a database whose tables hold every record of the snapshot', async () => {
    const snapshot = join(demoOut, kind, 'snapshot-2');
    const out = join(dir, `${kind}.sqlite`);
    const built = await cli(['db', 'build', snapshot, '--out', out, '--json'], dir);
    expect(built.code, built.err).toBe(0);
    const report = JSON.parse(built.out) as { source: string; tables: Record<string, number> };
    expect(report.source).toBe(kind);
    const counts = await recordCounts(snapshot);
    expect(report.tables['repositories']).toBe(counts['repositories']);
    expect(report.tables['pull_requests']).toBe(counts['pull_requests']);
    expect(report.tables['pull_request_commits']).toBe(counts['pull_request_commits']);
    // One row per account: on Cloud every account the records name (bots and former members are no members).
    expect(report.tables['users']).toBe(kind === 'cloud' ? (await cloudAccounts(snapshot)).size : counts['users']);
    if (kind === 'cloud') {
      expect(report.tables['pull_request_comments']).toBe(counts['pull_request_comments']);
      expect(report.tables['pipelines']).toBe(counts['pipelines']);
      // commit_details are commits no other stream gives: their keys do not overlap.
      expect(report.tables['commits']).toBe((counts['commits'] ?? 0) + (counts['commit_details'] ?? 0));
    } else {
      expect(report.tables['commits']).toBe(counts['commits']);
      expect(report.tables['pull_request_comments']).toBeGreaterThan(0);
    }

    const merged = await cli(['db', 'query', "SELECT count(*) AS n FROM pull_requests WHERE state = 'merged'", '--db', out, '--json'], dir);
    const flow = await cli(['db', 'query', 'SELECT count(*) AS n FROM pr_flow', '--db', out, '--json'], dir);
    expect(JSON.parse(flow.out)).toEqual(JSON.parse(merged.out));
    const writes = await cli(['db', 'query', 'DELETE FROM pull_requests', '--db', out], dir);
    expect(writes.code).toBe(1);
    expect(writes.err).toMatch(/readonly/i);

    const exported = await cli(['db', 'export', '--format', 'parquet', '--db', out, '--out', join(dir, `${kind}-parquet`)], dir);
    expect(exported.code, exported.err).toBe(0);
    const buffer = await readFile(join(dir, `${kind}-parquet`, 'pull_requests.parquet'));
    const rows = await parquetReadObjects({ file: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer });
    expect(rows.length).toBe(counts['pull_requests']);

    const fromSnapshot = await cli(['metrics', snapshot, '--json'], dir);
    const fromDb = await cli(['metrics', out, '--json'], dir);
    expect(fromSnapshot.code, fromSnapshot.err).toBe(0);
    expect(JSON.parse(fromSnapshot.out)).toEqual(JSON.parse(fromDb.out));
    const table = await cli(['metrics', out], dir);
    expect(table.out).toContain('cycle time (median / p90)');
  });
});

describe('bbsync db input handling', () => {
  it('names the flag and what is allowed', async () => {
    expect((await cli(['db', 'export', '--format', 'csv'], dir)).err).toContain('--format: "csv" is not valid (allowed: parquet)');
    expect((await cli(['db', 'build'], dir)).code).toBe(2);
    expect((await cli(['metrics', join(dir, 'nope')], dir)).err).toContain('does not exist');
    expect((await cli(['db', 'query', 'SELECT 1', '--db', join(dir, 'nope.sqlite')], dir)).err).toContain('no such database');
  });
});

describe('the action dataset step', () => {
  it('builds the database and figures into the run folder; the next run adds to the kept snapshot', async () => {
    const runs = join(demoOut, 'cloud', 'runs');
    const [full, incremental] = (await readdir(runs)).sort().map((name) => join(runs, name));
    const statePath = join(dir, 'action-state', 'state.json');
    const first = await prepareDataset({ runDir: full as string, statePath });
    expect(first?.complete).toBe(false);
    expect(existsSync(join(full as string, 'bbsync.sqlite'))).toBe(true);
    expect(JSON.parse(await readFile(join(full as string, 'metrics.json'), 'utf8'))).toEqual(first?.metrics);
    expect(first?.markdown).toMatch(/^### Pull request flow and delivery/);
    expect(first?.markdown).toContain('```mermaid');
    expect(first?.markdown).toContain('this run\'s records only');
    await commitSnapshot(first!);

    const second = await prepareDataset({ runDir: incremental as string, statePath });
    expect(second?.complete).toBe(true);
    await commitSnapshot(second!);
    // The second run's database holds everything so far: the same pull requests as the demo's merged snapshot.
    const counts = await recordCounts(join(demoOut, 'cloud', 'snapshot-2'));
    const prs = await cli(['db', 'query', 'SELECT count(*) AS n FROM pull_requests', '--db', join(incremental as string, 'bbsync.sqlite'), '--json'], dir);
    expect(JSON.parse(prs.out)).toEqual([{ n: counts['pull_requests'] }]);
    expect(Buffer.byteLength(second?.markdown ?? '')).toBeLessThan(16 * 1024);

    const outputs = metricOutputs(second?.metrics);
    expect(JSON.parse(outputs['metrics'] ?? '')).toEqual(second?.metrics);
    expect(outputs['prs-merged-7d']).toBe(String(second?.metrics.last_7_days.current.prs_merged));
  });
});
