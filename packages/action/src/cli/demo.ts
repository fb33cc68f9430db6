/**
 * `bbsync demo`: starts the simulator (no credentials, no network), runs a full sync, applies an hour of
 * scripted activity through the simulator's control API, runs an incremental sync, and merges both runs into
 * a snapshot, for Cloud and then Data Center. Shows both summaries and where the files are.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { RunManifest } from '@bbsync/core';
import { DEFAULT_FAIL_ON, failsRun, validateConfig, type SyncConfig } from '../config/validate.js';
import { cloudActivity, dataCenterActivity } from '../demo/activity.js';
import { mergeWithReport } from '../merge/merge.js';
import { loadSimulator, pickCredential } from '../demo/simulator.js';
import { knownStreams } from '../run/connectors.js';
import { formatCount, formatDuration } from '../summary/format.js';
import { parse, UsageError } from './args.js';
import { loadDataset } from './db.js';
import type { CommandIo } from './io.js';
import { runLocalSync } from './local-sync.js';
import { printRunReport } from './report.js';
import { textTable } from './terminal.js';

export const DEMO_HELP = `Usage: bbsync demo [--source cloud|datacenter|both] [--size tiny|small|medium] [--out <dir>]

Runs bbsync against a local simulator of Bitbucket Cloud and Data Center: a full sync, scripted activity
(new commits, a force-push, pull request updates and comments, pipelines finishing, a repository renamed and
one deleted), then an incremental sync, and a merged snapshot. No credentials, no network.

Options:
      --source <s>   cloud, datacenter or both (default both)
      --size <s>     tiny, small or medium (default small)
      --out <dir>    where to write (default .bbsync/demo/<time>)
      --seed <n>     dataset seed (default 42)
  -h, --help         this help`;

interface DemoRow {
  readonly source: string;
  readonly run: string;
  readonly manifest: RunManifest;
  readonly runDir: string;
}

export async function demoCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parse(args, {
    source: { type: 'string' },
    size: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (parsed.values.help) {
    io.terminal.out(DEMO_HELP);
    return 0;
  }
  const source = (parsed.values.source as string | undefined) ?? 'both';
  if (!['cloud', 'datacenter', 'both'].includes(source)) throw new UsageError(`--source: ${JSON.stringify(source)} is not valid (allowed: cloud, datacenter, both)`);
  const size = (parsed.values.size as string | undefined) ?? 'small';
  if (!['tiny', 'small', 'medium'].includes(size)) throw new UsageError(`--size: ${JSON.stringify(size)} is not valid (allowed: tiny, small, medium)`);
  const seedText = (parsed.values.seed as string | undefined) ?? '42';
  if (!/^\d+$/.test(seedText)) throw new UsageError(`--seed: ${JSON.stringify(seedText)} is not valid (allowed: a whole number)`);
  const out = resolve(io.cwd, (parsed.values.out as string | undefined) ?? join('.bbsync', 'demo', new Date().toISOString().replace(/[:.]/g, '-')));
  await mkdir(out, { recursive: true });

  const t = io.terminal;
  const started = Date.now();
  const { startSimulator } = await loadSimulator();
  const sim = await startSimulator({ seed: Number(seedText), size: size as 'tiny' | 'small' | 'medium' });
  t.err(t.dim(`simulator: ${sim.origin} (seed ${seedText}, size ${size}); Cloud workspace "${sim.cloud.workspace}", Data Center at ${sim.datacenter.baseUrl}`));
  const rows: DemoRow[] = [];
  const databases: { readonly path: string; readonly figures: string }[] = [];
  try {
    const sources: readonly ('cloud' | 'datacenter')[] = source === 'both' ? ['cloud', 'datacenter'] : [source as 'cloud' | 'datacenter'];
    for (const kind of sources) {
      const folder = join(out, kind);
      const config = demoConfig(kind, sim, folder);
      t.out('');
      t.out(t.bold(`== ${kind === 'cloud' ? 'Bitbucket Cloud' : 'Bitbucket Data Center'}: full sync ==`));
      const full = await runLocalSync(config, { terminal: t, cwd: folder, runName: '1-full' });
      printRunReport(t, full.manifest, `${kind} full sync`);
      rows.push({ source: kind, run: 'full', manifest: full.manifest, runDir: full.runDir });

      sim.advance(5 * 60_000);
      const activity = kind === 'cloud' ? cloudActivity(sim) : dataCenterActivity(sim);
      sim.advance(60_000);
      t.out('');
      t.out(t.bold(`== ${kind}: scripted activity ==`));
      for (const line of activity) t.out(`  - ${line}`);

      t.out('');
      t.out(t.bold(`== ${kind}: incremental sync ==`));
      const incremental = await runLocalSync(config, { terminal: t, cwd: folder, runName: '2-incremental' });
      printRunReport(t, incremental.manifest, `${kind} incremental sync`);
      rows.push({ source: kind, run: 'incremental', manifest: incremental.manifest, runDir: incremental.runDir });

      // Snapshot 1 from the full sync, then snapshot 2 = snapshot 1 + the incremental run (what changed, by key).
      const first = join(folder, 'snapshot-1');
      await mergeWithReport({ runs: [full.runDir], outputDir: first });
      const snapshot = join(folder, 'snapshot-2');
      const merged = await mergeWithReport({ previous: first, runs: [incremental.runDir], outputDir: snapshot });
      t.out('');
      t.out(t.bold(`== ${kind}: merged snapshot (${relative(io.cwd, snapshot)}) ==`));
      t.out(
        textTable(
          ['stream', 'records', 'new', 'updated', 'deleted'],
          Object.entries(merged.streams).map(([stream, c]) => [stream, formatCount(c.records), formatCount(c.added), formatCount(c.updated), formatCount(c.deleted)]),
        ),
      );
      const database = await demoDataset(t, kind, snapshot, join(folder, 'bbsync.sqlite'), sim.now());
      if (database !== undefined) databases.push(database);
    }
  } finally {
    await sim.close();
  }

  t.out('');
  t.out(t.bold('== Summary =='));
  t.out(
    textTable(
      ['source', 'run', 'status', 'records', 'deleted', 'requests', 'duration'],
      rows.map((row) => {
        const streams = Object.values(row.manifest.streams);
        return [
          row.source,
          row.run,
          row.manifest.status,
          formatCount(streams.reduce((sum, c) => sum + c.records, 0)),
          formatCount(streams.reduce((sum, c) => sum + c.deleted, 0)),
          formatCount(row.manifest.requests.total),
          formatDuration(Date.parse(row.manifest.finishedAt) - Date.parse(row.manifest.startedAt)),
        ];
      }),
    ),
  );
  t.out('');
  t.out(`files: ${relative(io.cwd, out) || '.'}/<source>/{runs/<run>/streams/*/*.jsonl.gz, runs/<run>/manifest.json, runs/<run>/summary.md, state/, snapshot-2/}`);
  const example = databases[0]?.path;
  if (example !== undefined) {
    for (const database of databases) {
      t.out('');
      t.out(database.figures);
    }
    t.out('');
    t.out(t.bold('== The dataset =='));
    for (const database of databases) {
      t.out(`database: ${relative(io.cwd, database.path) || database.path}  (SQLite; schema in docs/schema.md, queries in docs/queries.md)`);
      t.out(`report:   ${relative(io.cwd, join(dirname(database.path), 'report.html'))}  (open it in a browser; no network needed)`);
    }
    const sql = 'SELECT number, title, round(cycle_hours, 1) AS cycle_h, round(pickup_hours, 1) AS pickup_h, round(review_hours, 1) AS review_h FROM pr_flow ORDER BY merged_at DESC LIMIT 5';
    t.out(`try:      bbsync db query --db ${relative(io.cwd, example) || example} "${sql}"`);
    const { runQuery } = await loadDataset();
    const result = runQuery(example, sql);
    t.out(textTable([...result.columns], result.rows.map((row) => result.columns.map((c) => (row[c] === null || row[c] === undefined ? '' : String(row[c]))))));
  }
  t.out(t.dim(`done in ${formatDuration(Date.now() - started)}; no credentials, no network.`));
  return rows.some((row) => failsRun(row.manifest.status, DEFAULT_FAIL_ON)) ? 1 : 0;
}

function demoConfig(kind: 'cloud' | 'datacenter', sim: Awaited<ReturnType<Awaited<ReturnType<typeof loadSimulator>>['startSimulator']>>, folder: string): SyncConfig {
  const output = { dir: join(folder, 'runs'), stateDir: join(folder, 'state') };
  // Every stream, the opt-in ones too (deployments, the pull request timeline), so the figures have all they need.
  const streams = [...knownStreams()[kind]];
  if (kind === 'cloud') {
    // Two workspace tokens: two rate-limit budgets, used by the token pool.
    const credentials = [sim.cloud.credentials.workspaceToken, sim.cloud.credentials.workspaceToken2]
      .filter((c) => c !== undefined)
      .map((c, i) => ({ ...c.config, label: `workspace token ${i + 1}` }));
    return validateConfig(
      { source: 'cloud', cloud: { workspace: sim.cloud.workspace, baseUrl: sim.cloud.baseUrl }, credentials: credentials.length > 0 ? credentials : [pickCredential(sim.cloud.credentials)], streams, output },
      { knownStreams: knownStreams() },
    );
  }
  const serverUrl = sim.datacenter.baseUrl.replace(/\/rest\/api\/[^/]+\/?$/, '');
  return validateConfig(
    // The simulated server does not rate-limit (Data Center's default), so no client-side pacing either.
    { source: 'datacenter', datacenter: { baseUrl: serverUrl, rateLimit: false }, credentials: [{ ...pickCredential(sim.datacenter.credentials), label: 'admin' }], streams, output },
    { knownStreams: knownStreams() },
  );
}

/** Builds the demo's dataset and report from its snapshot; returns the figures (as of the simulator's clock) to print at the end. */
async function demoDataset(t: CommandIo['terminal'], kind: string, snapshot: string, out: string, now: number): Promise<{ path: string; figures: string } | undefined> {
  let dataset: Awaited<ReturnType<typeof loadDataset>>;
  try {
    dataset = await loadDataset();
  } catch (error) {
    t.out(t.dim(`(no dataset: ${error instanceof Error ? error.message : String(error)})`));
    return undefined;
  }
  await dataset.buildDataset({ inputs: [snapshot], out });
  const db = dataset.openDataset(out);
  try {
    const metrics = dataset.computeMetrics(db, { asOf: new Date(now) });
    await writeFile(join(dirname(out), 'report.html'), dataset.buildReport(db, { title: `bbsync demo: ${kind}`, asOf: new Date(now) }));
    const { header, rows } = dataset.figureRows(metrics);
    return { path: out, figures: `${t.bold(`== ${kind}: figures (as of ${metrics.as_of.slice(0, 16).replace('T', ' ')} UTC, simulated time) ==`)}\n${textTable(header, rows)}` };
  } finally {
    db.close();
  }
}
