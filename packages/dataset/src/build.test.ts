/**
 * The loader: an incremental build (a run applied to an existing database) equals a fresh build of the merged
 * snapshot (core's merge is the oracle for what the data is), deletion markers and deleted repositories remove
 * rows, Data Center records map to the same schema, and a query can never write.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeRuns } from '@bbsync/core';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, openDataset } from './build.js';
import { schemaMarkdown } from './docs.js';
import { exportParquet } from './parquet.js';
import { runQuery } from './query.js';
import { TABLES } from './schema.js';
import { ALICE, BOB, REPO, scenarioRecords, writeSnapshot } from './test-support/scenario.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bbsync-dataset-build-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SYNCED = '2026-03-02T00:00:00.000Z';
const OTHER_REPO = '{00000000-0000-4000-8000-000000000002}';

/** A later run: PR 7 deleted, PR 6 retitled, a new comment on PR 7's neighbour, a second repository added then deleted. */
function laterRun() {
  const pr6 = scenarioRecords({ withEvents: true }).find((r) => r.stream === 'pull_requests' && r.key === `${REPO}:6`) as { data: Record<string, unknown> };
  return [
    { stream: 'pull_requests', key: `${REPO}:7`, partition: REPO, synced_at: SYNCED, deleted: true, data: null },
    { stream: 'pull_requests', key: `${REPO}:6`, partition: REPO, synced_at: SYNCED, deleted: false, data: { ...pr6.data, title: 'PR 6 retitled' } },
    {
      stream: 'pull_request_events', key: `${REPO}:5:99`, partition: REPO, synced_at: SYNCED, deleted: false,
      data: { pull_request: 5, repository: REPO, at: '2026-03-01T10:00:00Z', kind: 'commented', actor: BOB, is_author: false, is_bot: false },
    },
    { stream: 'repositories', key: OTHER_REPO, partition: '', synced_at: SYNCED, deleted: false, data: { uuid: OTHER_REPO, full_name: 'acme/gone', slug: 'gone', mainbranch: { name: 'main' } } },
    {
      stream: 'pull_requests', key: `${OTHER_REPO}:1`, partition: OTHER_REPO, synced_at: SYNCED, deleted: false,
      data: { id: 1, state: 'OPEN', author: ALICE, created_on: '2026-03-01T00:00:00Z', updated_on: '2026-03-01T00:00:00Z', repository_uuid: OTHER_REPO },
    },
    { stream: 'repositories', key: `${OTHER_REPO}`, partition: '', synced_at: SYNCED, deleted: true, data: null },
    { stream: '_deleted_partitions', key: OTHER_REPO, partition: '', synced_at: SYNCED, deleted: false, data: { partition: OTHER_REPO, deletedFrom: 'repositories' } },
  ];
}

function dump(path: string): Record<string, unknown[]> {
  const db = openDataset(path);
  try {
    return Object.fromEntries(TABLES.map((t) => [t.name, db.prepare(`SELECT * FROM ${t.name} ORDER BY ${t.primaryKey.join(', ')}`).all()]));
  } finally {
    db.close();
  }
}

describe('buildDataset', () => {
  it('an incremental build equals a fresh build of the merged snapshot; deletions remove rows', async () => {
    const first = await writeSnapshot(join(dir, 'first'), scenarioRecords({ withEvents: true }));
    const run = await writeSnapshot(join(dir, 'run-2'), laterRun());
    const merged = join(dir, 'merged');
    await mergeRuns({ inputs: [first, run], outputDir: merged });

    const incremental = join(dir, 'incremental.sqlite');
    await buildDataset({ inputs: [first], out: incremental });
    const report = await buildDataset({ inputs: [run], out: incremental, update: true });
    expect(report.deletionMarkers).toBe(2);
    const fresh = join(dir, 'fresh.sqlite');
    await buildDataset({ inputs: [merged], out: fresh });

    const a = dump(incremental);
    const b = dump(fresh);
    for (const t of TABLES) expect(a[t.name], t.name).toEqual(b[t.name]);
    const prs = runQuery(fresh, 'SELECT number, title FROM pull_requests ORDER BY number').rows;
    expect(prs.map((r) => r['number'])).toEqual([1, 2, 3, 4, 5, 6, 8]);
    expect(prs.find((r) => r['number'] === 6)?.['title']).toBe('PR 6 retitled');
    expect(runQuery(incremental, `SELECT count(*) AS n FROM pull_requests WHERE repository_id = '${OTHER_REPO}'`).rows).toEqual([{ n: 0 }]);
    expect(runQuery(incremental, `SELECT count(*) AS n FROM repositories`).rows).toEqual([{ n: 1 }]);
  });

  it('maps Data Center records to the same schema (comments and the timeline from activities)', async () => {
    const user = (id: number, name: string, type = 'NORMAL') => ({ id, name, slug: name, displayName: name, emailAddress: `${name}@example.com`, type });
    const alice = user(1, 'alice');
    const bob = user(2, 'bob');
    const bot = user(3, 'deploy-bot', 'SERVICE');
    const rec = (stream: string, key: string, data: unknown, partition = '7') => ({ stream, key, partition, synced_at: SYNCED, deleted: false, data });
    const act = (id: number, action: string, at: string, who: unknown, extra: Record<string, unknown> = {}) =>
      rec('pull_request_activities', `7:1:${id}`, { id, action, createdDate: Date.parse(at), user: who, repositoryId: 7, pullRequestId: 1, ...extra });
    const records = [
      rec('repositories', '7', { id: 7, slug: 'api', name: 'API', project: { key: 'PLAT' }, defaultBranch: 'main', links: { self: [{ href: 'https://bb.example/projects/PLAT/repos/api/browse' }] } }, ''),
      rec('users', '1', alice, ''),
      rec('users', '2', bob, ''),
      rec('pull_requests', '7:1', {
        id: 1, title: 'Add it', state: 'MERGED', draft: false, createdDate: Date.parse('2026-02-23T10:00:00Z'), updatedDate: Date.parse('2026-02-23T20:00:00Z'), closedDate: Date.parse('2026-02-23T20:00:00Z'),
        author: { user: alice, role: 'AUTHOR' }, fromRef: { displayId: 'feature/x', latestCommit: 'a'.repeat(40) }, toRef: { displayId: 'main', latestCommit: 'b'.repeat(40) }, repositoryId: 7,
      }, '7'),
      rec('pull_request_commits', `7:1:${'a'.repeat(40)}`, { id: 'a'.repeat(40), author: alice, authorTimestamp: Date.parse('2026-02-23T08:00:00Z'), message: 'x', parents: [], repositoryId: 7, pullRequestId: 1 }),
      act(10, 'OPENED', '2026-02-23T10:00:00Z', alice),
      act(11, 'APPROVED', '2026-02-23T10:30:00Z', bot),
      act(12, 'COMMENTED', '2026-02-23T11:00:00Z', alice, { commentAction: 'ADDED', comment: { id: 500, text: 'note to self', author: alice, createdDate: Date.parse('2026-02-23T11:00:00Z'), updatedDate: Date.parse('2026-02-23T11:00:00Z') } }),
      act(13, 'COMMENTED', '2026-02-23T14:00:00Z', bob, { commentAction: 'ADDED', comment: { id: 501, text: 'why?', author: bob, createdDate: Date.parse('2026-02-23T14:00:00Z'), updatedDate: Date.parse('2026-02-23T14:00:00Z') } }),
      act(14, 'COMMENTED', '2026-02-23T15:00:00Z', bob, { commentAction: 'EDITED', comment: { id: 501, text: 'why? (edited)', author: bob, createdDate: Date.parse('2026-02-23T14:00:00Z'), updatedDate: Date.parse('2026-02-23T15:00:00Z') } }),
      act(15, 'REVIEWED', '2026-02-23T16:00:00Z', bob),
      act(16, 'MERGED', '2026-02-23T20:00:00Z', bob, { commit: { id: 'c'.repeat(40) } }),
    ];
    const snapshot = await writeSnapshot(join(dir, 'dc'), records);
    const out = join(dir, 'dc.sqlite');
    const report = await buildDataset({ inputs: [snapshot], out });
    expect(report.source).toBe('datacenter');
    expect(runQuery(out, 'SELECT source, repository_id, full_name, default_branch, url FROM repositories').rows).toEqual([
      { source: 'datacenter', repository_id: '7', full_name: 'PLAT/api', default_branch: 'main', url: 'https://bb.example/projects/PLAT/repos/api/browse' },
    ]);
    expect(runQuery(out, 'SELECT state, author_id, created_at, merged_at, source_commit, merge_commit FROM pull_requests').rows).toEqual([
      { state: 'merged', author_id: '1', created_at: '2026-02-23T10:00:00.000Z', merged_at: '2026-02-23T20:00:00.000Z', source_commit: 'a'.repeat(40), merge_commit: 'c'.repeat(40) },
    ]);
    expect(runQuery(out, 'SELECT comment_id, author_id, body FROM pull_request_comments ORDER BY comment_id').rows).toEqual([
      { comment_id: '500', author_id: '1', body: 'note to self' },
      { comment_id: '501', author_id: '2', body: 'why? (edited)' },
    ]);
    expect(runQuery(out, 'SELECT reviewer_id, state, is_bot FROM pull_request_reviews ORDER BY at').rows).toEqual([
      { reviewer_id: '3', state: 'approved', is_bot: 1 },
      { reviewer_id: '2', state: 'changes_requested', is_bot: 0 },
    ]);
    // Alice's own comment and the bot's approval are not pickup: Bob at 14:00.
    expect(runQuery(out, 'SELECT coding_hours, pickup_hours, review_hours, cycle_hours FROM pr_flow').rows).toEqual([{ coding_hours: 2, pickup_hours: 4, review_hours: 6, cycle_hours: 12 }]);
    expect(runQuery(out, 'SELECT user_id, is_bot FROM users ORDER BY user_id').rows).toEqual([
      { user_id: '1', is_bot: 0 },
      { user_id: '2', is_bot: 0 },
      { user_id: '3', is_bot: 1 },
    ]);
  });

  it('a query cannot write', async () => {
    const out = join(dir, 'readonly.sqlite');
    await buildDataset({ inputs: [await writeSnapshot(join(dir, 'ro'), scenarioRecords({ withEvents: true }))], out });
    expect(() => runQuery(out, 'DELETE FROM pull_requests')).toThrow(/readonly|read-only/i);
    expect(runQuery(out, 'SELECT count(*) AS n FROM pull_requests').rows).toEqual([{ n: 8 }]);
  });
});

describe('exportParquet', () => {
  it('writes every table; reading the files back gives the rows of the database', async () => {
    const out = join(dir, 'pq.sqlite');
    await buildDataset({ inputs: [await writeSnapshot(join(dir, 'pq'), scenarioRecords({ withEvents: true }))], out });
    const db = openDataset(out);
    const report = await exportParquet(db, { outDir: join(dir, 'parquet'), rowGroupRows: 3 });
    expect(report.files.map((f) => f.table)).toEqual(TABLES.map((t) => t.name));
    for (const t of TABLES) {
      const rows = db.prepare(`SELECT * FROM ${t.name} ORDER BY ${t.primaryKey.join(', ')}`).all() as Record<string, unknown>[];
      const buffer = await readFile(join(dir, 'parquet', `${t.name}.parquet`));
      const read = await parquetReadObjects({ file: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer });
      expect(read.length, t.name).toBe(rows.length);
      // Back to the database's representation: times as ISO text, booleans as 0/1, integers as numbers, JSON as text.
      const normalized = read.map((row) =>
        Object.fromEntries(
          t.columns.map((c) => {
            const value = (row as Record<string, unknown>)[c.name];
            if (value === null || value === undefined) return [c.name, null];
            if (c.kind === 'time') return [c.name, (value as Date).toISOString()];
            if (c.kind === 'boolean') return [c.name, value ? 1 : 0];
            if (c.kind === 'integer') return [c.name, Number(value)];
            if (c.kind === 'json') return [c.name, typeof value === 'string' ? value : JSON.stringify(value)];
            return [c.name, value];
          }),
        ),
      );
      expect(normalized, t.name).toEqual(rows);
    }
    db.close();
  });
});

describe('docs/schema.md', () => {
  it('is the one generated from the schema (regenerate: npx pnpm@12.21.0 --filter @bbsync/dataset docs)', async () => {
    const committed = await readFile(new URL('../../../docs/schema.md', import.meta.url), 'utf8');
    expect(committed).toBe(schemaMarkdown());
  });
});
