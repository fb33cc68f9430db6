/** report.html's data and page on the oracle scenario (the browser test is in the action package). */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, openDataset } from './build.js';
import { computeMetrics } from './metrics.js';
import { renderReport, reportData } from './report.js';
import { AS_OF, REPO, scenarioRecords, writeSnapshot } from './test-support/scenario.js';

let dir: string;
let db: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bbsync-dataset-report-'));
  db = join(dir, 'bbsync.sqlite');
  await buildDataset({ inputs: [await writeSnapshot(join(dir, 'snapshot'), scenarioRecords({ withEvents: true }))], out: db });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('report', () => {
  it('aggregates the scenario: weekly flow, the open pull request, deployments and their recovery', () => {
    const database = openDataset(db);
    const data = reportData(database, { asOf: new Date(AS_OF), weeks: 4 });
    const metrics = computeMetrics(database, { asOf: new Date(AS_OF) });
    database.close();
    expect(data.metrics).toEqual(metrics);
    expect(data.weeks).toEqual(['2026-02-02', '2026-02-09', '2026-02-16', '2026-02-23']);
    const all = data.flow['*'];
    expect(all?.merged).toEqual([0, 0, 1, 5]);
    expect(all?.cycle_median).toEqual([null, null, 4, 9]);
    expect(all?.pickup_median).toEqual([null, null, 1, 2.5]);
    // cycles 12, 9, 3, 9, 1.5, 4: one in < 4 h (1.5), three 4-24 h (4, 9, 9, 12 → four), and 3 → < 4 h
    expect(all?.histogram).toEqual([2, 4, 0, 0, 0, 0]);
    expect(data.flow[REPO]?.merged).toEqual([0, 0, 1, 5]);
    expect(data.slowest_open.map((p) => p.number)).toEqual([7]);
    expect(data.deployments).toEqual([
      { environment: 'production', successful: [0, 0, 1, 3], failed: [0, 0, 0, 1] },
      { environment: 'staging', successful: [0, 0, 0, 1], failed: [0, 0, 0, 0] },
    ]);
    expect(data.production.change_failure_rate).toEqual([null, null, 0, 0.5]);
    expect(data.failed_deployments).toEqual([{ repository: 'acme/r', environment: 'production', failed_at: '2026-02-25T16:00:00.000Z', restored_at: '2026-02-25T18:00:00.000Z', hours: 2 }]);
    expect(data.reviewers.map((r) => r.name)).toEqual(['Bob', 'Carol']);
  });

  it('is one file: no external reference, a CSP naming its own script and style by hash, data that cannot close its element', () => {
    const database = openDataset(db);
    const data = reportData(database, { asOf: new Date(AS_OF) });
    database.close();
    const html = renderReport({ ...data, title: 'a </script><script>alert(1)</script> title' });
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).not.toContain('<script>alert(1)');
    const csp = /content="(default-src 'none'[^"]+)"/.exec(html)?.[1] ?? '';
    const script = /<script>([\s\S]*)<\/script>\s*<\/body>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(script).not.toContain('sourceMappingURL');
  });

  it('links only to web pages: a repository URL that is not http(s) gives no link', async () => {
    const records = scenarioRecords({ withEvents: true }).map((r) =>
      r.stream === 'repositories' ? { ...r, data: { ...(r.data as object), links: { html: { href: 'javascript:alert(1)' } } } } : r,
    );
    const out = join(dir, 'hostile.sqlite');
    await buildDataset({ inputs: [await writeSnapshot(join(dir, 'hostile'), records)], out });
    const database = openDataset(out);
    const data = reportData(database, { asOf: new Date(AS_OF) });
    database.close();
    expect(data.slowest_open).toEqual([expect.objectContaining({ number: 7, url: null })]);
    expect(renderReport(data)).not.toContain('javascript:alert');
  });
});
