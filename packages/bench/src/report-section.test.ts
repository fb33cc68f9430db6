import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDatasetSection, type DatasetBuildResult } from './dataset-build.js';
import { replaceSection } from './report-section.js';

const dir = await mkdtemp(join(tmpdir(), 'bbsync-section-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('sections of BENCHMARKS.md owned by other measurements', () => {
  it('are appended once, then replaced between their markers, leaving the rest as it was', async () => {
    const file = join(dir, 'BENCHMARKS.md');
    await writeFile(file, '# bbsync benchmarks\n\nbody\n');
    await replaceSection(file, '<!-- s -->', '<!-- /s -->', '<!-- s -->\nfirst\n<!-- /s -->');
    await writeFile(file, `${await readFile(file, 'utf8')}after\n`);
    await replaceSection(file, '<!-- s -->', '<!-- /s -->', '<!-- s -->\nsecond\n<!-- /s -->');
    expect(await readFile(file, 'utf8')).toBe('# bbsync benchmarks\n\nbody\n\n<!-- s -->\nsecond\n<!-- /s -->\nafter\n');
  });

  it('render the dataset build as one row per size, with every figure', () => {
    const result: DatasetBuildResult = { pull_requests: 100_000, commits: 1_000_000, records: 1_711_000, full_build_s: 129, records_per_s: 13_263, peak_rss_mib: 386, database_mib: 1434, incremental_prs: 1000, incremental_s: 6.2, incremental_peak_rss_mib: 200, report_s: 15.6, report_kib: 804 };
    const section = renderDatasetSection([{ name: 'large', result }], 'pnpm bench', [1, 2]);
    expect(section.startsWith('<!-- dataset-build -->')).toBe(true);
    expect(section.endsWith('<!-- /dataset-build -->')).toBe(true);
    expect(section).toContain('| large | 100,000 PRs, 1,000,000 commits (1,711,000 records) | 129 s (13,263 records/s) | 386 MiB | 1434 MiB | 6.2 s for 1,000 changed PRs (200 MiB) | 15.6 s, 804 KiB |');
  });
});
