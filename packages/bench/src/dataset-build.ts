/**
 * The dataset's build, measured as `pnpm bench` measures syncs: `packages/dataset/scripts/measure-build.mjs`
 * writes a synthetic Cloud snapshot of a given size, builds `bbsync.sqlite` from it in a child process (so the
 * peak RSS is the build's alone), rebuilds it incrementally after 1% of the pull requests changed, and renders
 * `report.html` from it. Written into BENCHMARKS.md as its own section, between markers.
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { replaceSection } from './report-section.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../dataset/scripts/measure-build.mjs', import.meta.url));
const START = '<!-- dataset-build -->';
const END = '<!-- /dataset-build -->';

/** What the measuring script prints. */
export interface DatasetBuildResult {
  readonly pull_requests: number;
  readonly commits: number;
  readonly records: number;
  readonly full_build_s: number;
  readonly records_per_s: number;
  readonly peak_rss_mib: number;
  readonly database_mib: number;
  readonly incremental_prs: number;
  readonly incremental_s: number;
  readonly incremental_peak_rss_mib: number;
  readonly report_s: number;
  readonly report_kib: number;
}

/** The sizes measured: the medium workspace's and the `large` one's (100,000 pull requests, ~1,000,000 commits). */
export const DATASET_SIZES: readonly { readonly name: string; readonly pullRequests: number; readonly commits: number; readonly repositories: number }[] = [
  { name: 'medium', pullRequests: 5_000, commits: 50_000, repositories: 100 },
  { name: 'large', pullRequests: 100_000, commits: 1_000_000, repositories: 1_000 },
];

export async function measureDatasetBuilds(): Promise<{ name: string; result: DatasetBuildResult }[]> {
  const results: { name: string; result: DatasetBuildResult }[] = [];
  for (const size of DATASET_SIZES) {
    const { stdout } = await run(process.execPath, [SCRIPT, String(size.pullRequests), String(size.commits), String(size.repositories)], { maxBuffer: 1 << 20, timeout: 30 * 60_000 });
    const last = stdout.trim().split('\n').at(-1) ?? '{}';
    results.push({ name: size.name, result: JSON.parse(last) as DatasetBuildResult });
  }
  return results;
}

export function renderDatasetSection(results: readonly { name: string; result: DatasetBuildResult }[], command: string, load: readonly [number, number]): string {
  const rows = results.map(({ name, result: r }) =>
    `| ${name} | ${r.pull_requests.toLocaleString('en-US')} PRs, ${r.commits.toLocaleString('en-US')} commits (${r.records.toLocaleString('en-US')} records) | ${r.full_build_s} s (${r.records_per_s.toLocaleString('en-US')} records/s) | ${r.peak_rss_mib} MiB | ${r.database_mib} MiB | ${r.incremental_s} s for ${r.incremental_prs.toLocaleString('en-US')} changed PRs (${r.incremental_peak_rss_mib} MiB) | ${r.report_s} s, ${r.report_kib} KiB |`,
  );
  return [
    START,
    '## Building the dataset and the report',
    '',
    `Command: \`${command}\` (the same measurement alone: \`node packages/dataset/scripts/measure-build.mjs <pull requests> <commits> <repositories>\`). A synthetic Cloud snapshot (pull requests with activity, comments and commits; default-branch commits; deployments), \`bbsync db build\` from it in a child process, then \`--update\` with 1% of the pull requests changed, then \`report.html\`. Load average ${load[0].toFixed(1)} at the start, ${load[1].toFixed(1)} at the end.`,
    '',
    '| size | snapshot | full build | peak RSS (build) | database | incremental rebuild | report.html |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    END,
  ].join('\n');
}

export async function writeDatasetSection(file: string, command: string): Promise<void> {
  const before = loadavg()[0] ?? 0;
  const results = await measureDatasetBuilds();
  await replaceSection(file, START, END, renderDatasetSection(results, command, [before, loadavg()[0] ?? 0]));
}
