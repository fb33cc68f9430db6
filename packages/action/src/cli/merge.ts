/**
 * `bbsync merge`: folds run folders (every shard's, every run's) and optionally the previous snapshot into one
 * compacted snapshot: the latest version of each record by primary key, deletions dropped. Run it after each
 * sync (the example workflow's merge job) and upload the snapshot as the next run's base.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RUN_STARTED_FILE } from '@bbsync/core';
import { mergeWithReport } from '../merge/merge.js';
import { formatCount } from '../summary/format.js';
import { parse, UsageError } from './args.js';
import type { CommandIo } from './io.js';
import { textTable } from './terminal.js';

export const MERGE_HELP = `Usage: bbsync merge --out <dir> [--snapshot <dir>] <run folder or folder of runs>...

Folds run folders into one snapshot by primary key (newest wins, deletion markers drop records). Inputs may be
run folders (with started.json / manifest.json / streams/) or folders holding them (e.g. what
actions/download-artifact wrote), in any order: runs are folded in the order they started, killed ones included.
Partial segments (\`*.partial\`, left by a crash) are never data and are ignored.

Options:
  -o, --out <dir>          where to write the new snapshot (must not be an input)
  -s, --snapshot <dir>     the previous snapshot to fold the runs into
      --json               print the merge report as JSON
  -h, --help               this help`;

/** Run folders below `path` (itself, or up to two levels down), in a stable order. */
export async function findRunFolders(path: string, depth = 2): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => undefined);
  if (entries === undefined) throw new UsageError(`${JSON.stringify(path)} is not a readable folder`);
  if (entries.some((e) => (e.isFile() && (e.name === 'manifest.json' || e.name === RUN_STARTED_FILE)) || (e.isDirectory() && e.name === 'streams'))) return [path];
  if (depth === 0) return [];
  const found: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    found.push(...(await findRunFolders(join(path, entry.name), depth - 1)));
  }
  return found;
}

export async function mergeCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parse(
    args,
    { out: { type: 'string', short: 'o' }, snapshot: { type: 'string', short: 's' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (parsed.values.help) {
    io.terminal.out(MERGE_HELP);
    return 0;
  }
  const out = parsed.values.out as string | undefined;
  if (!out) throw new UsageError('--out is required (allowed: a folder path for the new snapshot)');
  if (parsed.positionals.length === 0 && !parsed.values.snapshot) throw new UsageError('no input given (allowed: one or more run folders)');
  const snapshotArg = parsed.values.snapshot as string | undefined;
  const snapshot = snapshotArg ? resolve(io.cwd, snapshotArg) : undefined;
  if (snapshot && !(await stat(snapshot).catch(() => undefined))) io.terminal.err(`note: no previous snapshot at ${snapshotArg}; starting a new one`);
  const runs: string[] = [];
  for (const input of parsed.positionals) runs.push(...(await findRunFolders(resolve(io.cwd, input))));
  const outDir = resolve(io.cwd, out);
  if (runs.includes(outDir) || outDir === snapshot) throw new UsageError('--out must not be one of the inputs');

  // mergeWithReport folds the runs in the order they started (a killed run has no finish time).
  const report = await mergeWithReport({ previous: snapshot && (await stat(snapshot).catch(() => undefined)) ? snapshot : undefined, runs, outputDir: outDir });
  if (parsed.values.json) {
    io.terminal.out(JSON.stringify(report, null, 2));
    return 0;
  }
  const t = io.terminal;
  t.out(`${t.bold('bbsync merge')}: ${runs.length} run folders${snapshot ? ' + the previous snapshot' : ''} -> ${out}`);
  t.out(
    textTable(
      ['stream', 'records', 'new', 'updated', 'deleted'],
      Object.entries(report.streams).map(([stream, c]) => [stream, formatCount(c.records), formatCount(c.added), formatCount(c.updated), formatCount(c.deleted)]),
    ),
  );
  return 0;
}
