/**
 * `bbsync db build | query | export` and `bbsync metrics`: the SQLite dataset built from a snapshot, queried
 * read-only, exported as Parquet, and its headline figures. The dataset package is loaded on demand: it needs
 * Node's built-in `node:sqlite` (Node 22.13 or newer), while the rest of the CLI runs on Node 20.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { RunManifest } from '@bbsync/core';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parse, UsageError } from './args.js';
import type { CommandIo } from './io.js';
import { textTable } from './terminal.js';

export const DB_HELP = `Usage: bbsync db <build|query|export> [options]

The dataset: one SQLite file (Node's built-in node:sqlite; needs Node 22.13 or newer) with the same schema for
Cloud and Data Center, views pr_flow, dora_weekly and review_load. Schema: docs/schema.md.

  bbsync db build <snapshot or run folder>... [--out bbsync.sqlite] [--update] [--source cloud|datacenter]
      build the database from a merged snapshot (oldest input first); --update applies the inputs to an
      existing database (an incremental build)
  bbsync db query "<sql>" [--db bbsync.sqlite] [--json]
      run one read-only SQL statement and print the rows
  bbsync db export --format parquet [--db bbsync.sqlite] [--out parquet]
      write every table as <table>.parquet (for BigQuery, Snowflake, DuckDB)`;

export const METRICS_HELP = `Usage: bbsync metrics <snapshot folder | database file> [--json] [--as-of <ISO time>]

The headline figures of the last 7 and 28 days beside the period before each: pull requests merged, cycle,
pickup and review time (median / p90), deployments per week, lead time for changes, change failure rate and
time to restore (production deployments). Needs Node 22.13 or newer (node:sqlite).

Options:
      --json            print metrics.json
      --as-of <time>    end of the windows (default: the newest synced_at in the data)
  -h, --help            this help`;

export const REPORT_HELP = `Usage: bbsync report <snapshot folder | database file> [--out report.html] [--runs <folder>]... [--as-of <ISO time>]

One self-contained HTML file (charts and data inlined; no network, opens offline): overview figures, pull
request flow, reviews, deployments and sync health. Needs Node 22.13 or newer (node:sqlite).

Options:
  -o, --out <file>      where to write (default report.html)
      --runs <folder>   run folders (or folders of runs) whose manifests feed the sync health page
      --as-of <time>    end of the windows (default: the newest synced_at in the data)
  -h, --help            this help`;

type Dataset = typeof import('@bbsync/dataset');

/** Loads the dataset package, or explains which Node it needs. */
export async function loadDataset(): Promise<Dataset> {
  try {
    return await import('@bbsync/dataset');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_UNKNOWN_BUILTIN_MODULE' || /node:sqlite/.test(String(error))) {
      throw new UsageError(`the dataset needs Node 22.13 or newer (node:sqlite); this is Node ${process.versions.node}`);
    }
    throw error;
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
  const text = String(value).replace(/\r?\n/g, ' ');
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

export async function dbCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.terminal.out(DB_HELP);
    return sub === undefined ? 2 : 0;
  }
  const parsed = parse(
    rest,
    {
      out: { type: 'string', short: 'o' },
      db: { type: 'string' },
      update: { type: 'boolean' },
      source: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (parsed.values.help) {
    io.terminal.out(DB_HELP);
    return 0;
  }
  const t = io.terminal;
  const dbPath = resolve(io.cwd, (parsed.values.db as string | undefined) ?? 'bbsync.sqlite');
  if (sub === 'build') {
    if (parsed.positionals.length === 0) throw new UsageError('a snapshot or run folder is required (allowed: one or more folders, oldest first)');
    const source = parsed.values.source as string | undefined;
    if (source !== undefined && source !== 'cloud' && source !== 'datacenter') throw new UsageError(`--source: ${JSON.stringify(source)} is not valid (allowed: cloud, datacenter)`);
    const { buildDataset } = await loadDataset();
    const out = resolve(io.cwd, (parsed.values.out as string | undefined) ?? 'bbsync.sqlite');
    const report = await buildDataset({ inputs: parsed.positionals.map((p) => resolve(io.cwd, p)), out, update: parsed.values.update === true, source });
    if (parsed.values.json) {
      t.out(JSON.stringify(report, null, 2));
      return 0;
    }
    t.out(textTable(['table', 'rows'], Object.entries(report.tables).map(([table, rows]) => [table, String(rows)])));
    t.out(`${relative(io.cwd, out) || out}: ${report.records} records read (${report.deletionMarkers} deletions), ${report.source ?? 'unknown source'}, in ${report.durationMs} ms`);
    return 0;
  }
  if (sub === 'query') {
    const [sql] = parsed.positionals;
    if (sql === undefined || parsed.positionals.length > 1) throw new UsageError('one SQL statement is required, in quotes (e.g. bbsync db query "SELECT * FROM pr_flow LIMIT 5")');
    const { runQuery } = await loadDataset();
    const result = runQuery(dbPath, sql);
    if (parsed.values.json) t.out(JSON.stringify(result.rows, null, 2));
    else t.out(textTable([...result.columns], result.rows.map((row) => result.columns.map((c) => cellText(row[c])))));
    return 0;
  }
  if (sub === 'export') {
    const format = parsed.values.format as string | undefined;
    if (format !== 'parquet') throw new UsageError(`--format: ${JSON.stringify(format ?? '')} is not valid (allowed: parquet)`);
    const { exportParquet, openDataset } = await loadDataset();
    const db = openDataset(dbPath);
    try {
      const report = await exportParquet(db, { outDir: resolve(io.cwd, (parsed.values.out as string | undefined) ?? 'parquet') });
      t.out(textTable(['table', 'rows', 'file'], report.files.map((f) => [f.table, String(f.rows), relative(io.cwd, f.path)])));
    } finally {
      db.close();
    }
    return 0;
  }
  throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (allowed: build, query, export)`);
}

/** Opens a database file, or builds a temporary one from a snapshot folder; `use` runs on it. */
async function withDatabase<T>(dataset: Dataset, path: string, use: (db: ReturnType<Dataset['openDataset']>) => T | Promise<T>): Promise<T> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new UsageError(`${JSON.stringify(path)} does not exist (allowed: a snapshot folder or a database file)`);
  let temporary: string | undefined;
  let dbPath = path;
  if (info.isDirectory()) {
    temporary = await mkdtemp(join(tmpdir(), 'bbsync-dataset-'));
    dbPath = join(temporary, 'bbsync.sqlite');
    await dataset.buildDataset({ inputs: [path], out: dbPath });
  }
  try {
    const db = dataset.openDataset(dbPath);
    try {
      return await use(db);
    } finally {
      db.close();
    }
  } finally {
    if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
  }
}

/** Sync health rows from run manifests. */
export async function runHealth(folders: readonly string[]): Promise<import('@bbsync/dataset').RunHealth[]> {
  const { findRunFolders } = await import('./merge.js');
  const rows: import('@bbsync/dataset').RunHealth[] = [];
  for (const folder of folders) {
    for (const run of await findRunFolders(folder)) {
      try {
        const manifest = JSON.parse(await readFile(join(run, 'manifest.json'), 'utf8')) as RunManifest;
        rows.push(manifestHealth(manifest));
      } catch {
        // a folder without a readable manifest (a snapshot) has no health to show
      }
    }
  }
  return rows.sort((a, b) => a.finished_at.localeCompare(b.finished_at));
}

export function manifestHealth(manifest: RunManifest, budget?: number): import('@bbsync/dataset').RunHealth {
  return {
    run: manifest.runId,
    finished_at: manifest.finishedAt,
    status: manifest.status,
    requests: manifest.requests.total,
    budget: budget ?? null,
    failed_partitions: Object.values(manifest.streams).reduce((sum, c) => sum + c.failedPartitions, 0),
  };
}

export async function reportCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parse(args, { out: { type: 'string', short: 'o' }, runs: { type: 'string', multiple: true }, 'as-of': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
  if (parsed.values.help) {
    io.terminal.out(REPORT_HELP);
    return 0;
  }
  const [target] = parsed.positionals;
  if (target === undefined || parsed.positionals.length > 1) throw new UsageError('one snapshot folder or database file is required');
  const asOfText = parsed.values['as-of'] as string | undefined;
  const asOf = asOfText === undefined ? undefined : new Date(asOfText);
  if (asOf !== undefined && !Number.isFinite(asOf.getTime())) throw new UsageError(`--as-of: ${JSON.stringify(asOfText)} is not valid (allowed: an ISO 8601 time)`);
  const dataset = await loadDataset();
  const runs = await runHealth(((parsed.values.runs as string[] | undefined) ?? []).map((r) => resolve(io.cwd, r)));
  const out = resolve(io.cwd, (parsed.values.out as string | undefined) ?? 'report.html');
  const html = await withDatabase(dataset, resolve(io.cwd, target), (db) => dataset.buildReport(db, { asOf, runs }));
  await writeFile(out, html);
  io.terminal.out(`report: ${relative(io.cwd, out) || out} (${Math.round(Buffer.byteLength(html) / 1024)} KiB)`);
  return 0;
}

export async function metricsCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parse(args, { json: { type: 'boolean' }, 'as-of': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
  if (parsed.values.help) {
    io.terminal.out(METRICS_HELP);
    return 0;
  }
  const [target] = parsed.positionals;
  if (target === undefined || parsed.positionals.length > 1) throw new UsageError('one snapshot folder or database file is required');
  const asOfText = parsed.values['as-of'] as string | undefined;
  const asOf = asOfText === undefined ? undefined : new Date(asOfText);
  if (asOf !== undefined && !Number.isFinite(asOf.getTime())) throw new UsageError(`--as-of: ${JSON.stringify(asOfText)} is not valid (allowed: an ISO 8601 time)`);
  const dataset = await loadDataset();
  const metrics = await withDatabase(dataset, resolve(io.cwd, target), (db) => dataset.computeMetrics(db, { asOf }));
  if (parsed.values.json) {
    io.terminal.out(JSON.stringify(metrics, null, 2));
    return 0;
  }
  const { header, rows } = dataset.figureRows(metrics);
  io.terminal.out(`figures as of ${metrics.as_of} (${metrics.source ?? 'no data'}):`);
  io.terminal.out(textTable(header, rows));
  return 0;
}
