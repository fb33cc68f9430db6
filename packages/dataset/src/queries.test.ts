/** Every query of docs/queries.md runs against the oracle scenario; the ones with a known answer are checked. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from './build.js';
import { runQuery } from './query.js';
import { scenarioRecords, writeSnapshot } from './test-support/scenario.js';

let dir: string;
let db: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bbsync-dataset-queries-'));
  db = join(dir, 'bbsync.sqlite');
  await buildDataset({ inputs: [await writeSnapshot(join(dir, 'snapshot'), scenarioRecords({ withEvents: true }))], out: db });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function queries(): Promise<{ title: string; sql: string }[]> {
  const text = await readFile(new URL('../../../docs/queries.md', import.meta.url), 'utf8');
  const found: { title: string; sql: string }[] = [];
  const pattern = /^## (.+)\n+```sql\n([\s\S]*?)```/gm;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) found.push({ title: match[1] as string, sql: match[2] as string });
  return found;
}

describe('docs/queries.md', () => {
  it('has ten queries, each returning rows', async () => {
    const list = await queries();
    expect(list.length).toBe(10);
    for (const { title, sql } of list) {
      const result = runQuery(db, sql);
      expect(result.rows.length, title).toBeGreaterThan(0);
    }
  });

  it('answers the scenario\'s questions correctly', async () => {
    const list = await queries();
    const run = (n: number) => runQuery(db, (list[n - 1] as { sql: string }).sql).rows;
    // 3: PR 3 was merged with only a bot approval.
    expect(run(3).map((r) => r['number'])).toEqual([3]);
    // 5: PR 7 is open and nobody looked at it.
    expect(run(5).map((r) => r['number'])).toEqual([7]);
    // 7: D2 failed at 16:00, D3 restored at 18:00.
    expect(run(7)).toEqual([expect.objectContaining({ failed_at: '2026-02-25T16:00:00.000Z', restored_at: '2026-02-25T18:00:00.000Z' })]);
    // 8: D4 shipped PRs 4 and 5; D3 shipped PR 3; D1 PRs 1 and 2; staging (s1) PRs 1-4.
    const shipped = run(8).filter((r) => r['environment'] === 'production').map((r) => r['number']);
    expect(shipped).toEqual([4, 5, 3, 1, 2]);
    // 9: one revert.
    expect(run(9).map((r) => r['subject'])).toEqual(['Revert "Add feature one"']);
  });
});
