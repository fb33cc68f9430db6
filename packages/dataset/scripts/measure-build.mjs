// Measures `buildDataset` on a synthetic Cloud snapshot of a given size (time, records/s, peak RSS), to show
// that memory stays flat as the data grows. Usage (after the build):
//   node packages/dataset/scripts/measure-build.mjs <pull requests> <commits> [repositories]
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildDataset, buildReport, openDataset } from '../dist/index.js';

// The build runs in a child process, so its peak RSS is the build's alone (not the generator's).
if (process.argv[2] === '--child') {
  const [, , , mode, input, out] = process.argv;
  const started = performance.now();
  const report = await buildDataset({ inputs: [input], out, update: mode === 'update' });
  const ms = performance.now() - started;
  let reportMs = 0;
  let reportBytes = 0;
  if (mode === 'full') {
    const startedReport = performance.now();
    const db = openDataset(out);
    reportBytes = Buffer.byteLength(buildReport(db));
    db.close();
    reportMs = performance.now() - startedReport;
  }
  console.log(JSON.stringify({ records: report.records, ms, peakRssKib: process.resourceUsage().maxRSS, reportMs, reportBytes }));
  process.exit(0);
}
const child = (mode, input, out) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, input, out], { encoding: 'utf8' }));

const prs = Number(process.argv[2] ?? 10000);
const commits = Number(process.argv[3] ?? 100000);
const repos = Number(process.argv[4] ?? Math.max(1, Math.round(prs / 1000)));
// Pull requests end at the snapshot's time, so the report's 26 weeks hold them.
const synced = '2026-03-01T00:00:00.000Z';
const prStart = Date.parse(synced) - prs * 600_000;
const dir = await mkdtemp(join(tmpdir(), 'bbsync-measure-'));
const hex = (n) => n.toString(16).padStart(40, '0');
const user = (i) => ({ display_name: `User ${i}`, type: 'user', uuid: `{u-${i}}`, account_id: `a${i}`, nickname: `user${i}` });

async function writeStream(snapshot, stream, produce) {
  await mkdir(join(snapshot, 'streams', stream), { recursive: true });
  const gzip = createGzip({ level: 1 });
  const out = gzip.pipe(createWriteStream(join(snapshot, 'streams', stream, 'merged.1.jsonl.gz')));
  for (const record of produce()) {
    if (!gzip.write(`${JSON.stringify({ synced_at: synced, deleted: false, ...record })}\n`)) await once(gzip, 'drain');
  }
  gzip.end();
  await once(out, 'finish');
}

async function snapshotOf(name, { prCount, commitCount, titleSuffix = '' }) {
  const snapshot = join(dir, name);
  await writeStream(snapshot, 'repositories', function* () {
    for (let r = 0; r < repos; r++) yield { stream: 'repositories', key: `{r-${r}}`, partition: '', data: { uuid: `{r-${r}}`, full_name: `acme/r${r}`, slug: `r${r}`, mainbranch: { name: 'main' } } };
  });
  await writeStream(snapshot, 'commits', function* () {
    for (let c = 0; c < commitCount; c++) {
      const r = c % repos;
      const at = new Date(Date.parse('2025-01-01T00:00:00Z') + c * 60_000).toISOString();
      yield { stream: 'commits', key: `{r-${r}}:${hex(c)}`, partition: `{r-${r}}`, data: { hash: hex(c), date: at, author: { raw: 'x', user: user(c % 50) }, message: `Commit ${c}\n`, parents: c >= repos ? [{ hash: hex(c - repos) }] : [], repository_uuid: `{r-${r}}` } };
    }
  });
  await writeStream(snapshot, 'pull_requests', function* () {
    for (let p = 0; p < prCount; p++) {
      const r = p % repos;
      const opened = prStart + p * 600_000;
      yield { stream: 'pull_requests', key: `{r-${r}}:${p}`, partition: `{r-${r}}`, data: { id: p, title: `PR ${p}${titleSuffix}`, state: 'MERGED', author: user(p % 50), created_on: new Date(opened).toISOString(), updated_on: new Date(opened + 7_200_000).toISOString(), merge_commit: { hash_full: hex(p * 10) }, source: { branch: { name: 'f' }, commit: { hash_full: hex(p * 10 + 1) } }, destination: { branch: { name: 'main' } }, participants: [], repository_uuid: `{r-${r}}` } };
    }
  });
  await writeStream(snapshot, 'pull_request_activity', function* () {
    for (let p = 0; p < prCount; p++) {
      const r = p % repos;
      const at = (m) => new Date(prStart + p * 600_000 + m * 60_000).toISOString();
      yield { stream: 'pull_request_activity', key: `{r-${r}}:${p}:c`, partition: `{r-${r}}`, data: { comment: { id: p, created_on: at(30), user: user((p + 1) % 50) }, pull_request_id: p, repository_uuid: `{r-${r}}` } };
      yield { stream: 'pull_request_activity', key: `{r-${r}}:${p}:a`, partition: `{r-${r}}`, data: { approval: { date: at(60), user: user((p + 2) % 50) }, pull_request_id: p, repository_uuid: `{r-${r}}` } };
      yield { stream: 'pull_request_activity', key: `{r-${r}}:${p}:u`, partition: `{r-${r}}`, data: { update: { state: 'MERGED', date: at(120), author: user(p % 50) }, pull_request_id: p, repository_uuid: `{r-${r}}` } };
    }
  });
  await writeStream(snapshot, 'pull_request_commits', function* () {
    for (let p = 0; p < prCount; p++) {
      const r = p % repos;
      for (let k = 0; k < 3; k++) yield { stream: 'pull_request_commits', key: `{r-${r}}:${p}:${hex(p * 10 + k)}`, partition: `{r-${r}}`, data: { hash: hex(p * 10 + k), date: new Date(prStart + p * 600_000 - 3_600_000).toISOString(), author: { raw: 'x', user: user(p % 50) }, message: 'm', pull_request_id: p, repository_uuid: `{r-${r}}` } };
    }
  });
  await writeStream(snapshot, 'deployments', function* () {
    for (let d = 0; d < Math.floor(commitCount / 100); d++) {
      const r = d % repos;
      const c = Math.min(commitCount - 1, d * 100 + r);
      yield { stream: 'deployments', key: `{r-${r}}:d${d}`, partition: `{r-${r}}`, data: { repository: `{r-${r}}`, environment: 'production', environment_type: 'production', state: Math.floor(d / repos) % 10 === 3 ? 'FAILED' : 'SUCCESSFUL', started_on: new Date(Date.parse('2025-01-01T00:00:00Z') + c * 60_000 + 600_000).toISOString(), completed_on: new Date(Date.parse('2025-01-01T00:00:00Z') + c * 60_000 + 900_000).toISOString(), commit: hex(c), origin: 'inferred', rule: 'r' } };
    }
  });
  return snapshot;
}

const snapshot = await snapshotOf('full', { prCount: prs, commitCount: commits });
const out = join(dir, 'bbsync.sqlite');
const full = child('full', snapshot, out);
const changed = Math.max(1, Math.round(prs * 0.01));
const run = await snapshotOf('run', { prCount: changed, commitCount: 0, titleSuffix: ' (edited)' });
const update = child('update', run, out);
console.log(JSON.stringify({
  pull_requests: prs, commits, records: full.records, full_build_s: +(full.ms / 1000).toFixed(2), records_per_s: Math.round(full.records / (full.ms / 1000)),
  peak_rss_mib: Math.round(full.peakRssKib / 1024), database_mib: Math.round((await stat(out)).size / 1048576),
  incremental_prs: changed, incremental_s: +(update.ms / 1000).toFixed(2), incremental_peak_rss_mib: Math.round(update.peakRssKib / 1024),
  report_s: +(full.reportMs / 1000).toFixed(2), report_kib: Math.round(full.reportBytes / 1024),
}));
if (process.env.KEEP) console.log(out); else await rm(dir, { recursive: true, force: true });
