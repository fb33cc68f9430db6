/**
 * The dataset in every artifact (bbsync.sqlite, metrics.json, report.html): the run is merged into the compacted snapshot kept beside the cursors (in the
 * state folder, so the Actions cache restores and saves it with them), `bbsync.sqlite` and `metrics.json` are
 * built from that snapshot into the run folder before the upload, and the new snapshot replaces the old one
 * only after the upload succeeded (just before the cursor save), so the snapshot never runs ahead of the data
 * the artifacts hold. The dataset is a convenience: any failure here is a warning, never a failed sync.
 */
import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as core from '@actions/core';
import { mergeRuns, type RunManifest } from '@bbsync/core';
import type { Metrics } from '@bbsync/dataset';
import { loadDataset, manifestHealth } from '../cli/db.js';

export const DATABASE_FILE = 'bbsync.sqlite';
export const METRICS_FILE = 'metrics.json';
export const REPORT_FILE = 'report.html';

export interface PreparedDataset {
  readonly metrics: Metrics;
  /** Markdown the job summary opens with. */
  readonly markdown: string;
  /** The new snapshot, moved into place by {@link commitSnapshot}. */
  readonly nextSnapshot: string;
  readonly snapshot: string;
  /** Whether a compacted snapshot from earlier runs was merged (else the dataset holds this run only). */
  readonly complete: boolean;
}

function snapshotPaths(statePath: string): { snapshot: string; next: string } {
  const folder = dirname(statePath);
  return { snapshot: join(folder, 'snapshot'), next: join(folder, 'snapshot.next') };
}

/** Merges, builds the database and the figures into the run folder. Undefined (with a warning) when it cannot. */
export async function prepareDataset(job: { readonly runDir: string; readonly statePath: string }, manifest?: RunManifest): Promise<PreparedDataset | undefined> {
  try {
    const dataset = await loadDataset();
    const { snapshot, next } = snapshotPaths(job.statePath);
    const previous = existsSync(join(snapshot, 'manifest.json'));
    await rm(next, { recursive: true, force: true });
    await mergeRuns({ inputs: previous ? [snapshot, job.runDir] : [job.runDir], outputDir: next });
    const out = join(job.runDir, DATABASE_FILE);
    await dataset.buildDataset({ inputs: [next], out });
    const db = dataset.openDataset(out);
    let metrics: Metrics;
    try {
      metrics = dataset.computeMetrics(db);
      // The report is drawn from the same database, so its figures are these.
      await writeFile(join(job.runDir, REPORT_FILE), dataset.buildReport(db, { title: `bbsync ${manifest?.source ?? ''}`.trim(), runs: manifest ? [manifestHealth(manifest)] : [] }));
    } finally {
      db.close();
    }
    await writeFile(join(job.runDir, METRICS_FILE), `${JSON.stringify(metrics, null, 2)}\n`);
    const note = previous ? '' : '\n\n<sub>No compacted snapshot of earlier runs was restored with the cursors: this dataset holds this run\'s records only; the next runs build on it.</sub>';
    return { metrics, markdown: dataset.metricsMarkdown(metrics) + note, nextSnapshot: next, snapshot, complete: previous };
  } catch (error) {
    core.warning(`The dataset (${DATABASE_FILE}, ${METRICS_FILE}) was not built: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** After a successful upload: the new snapshot replaces the old one, so the cursor save carries it. */
export async function commitSnapshot(prepared: PreparedDataset): Promise<void> {
  try {
    await rm(prepared.snapshot, { recursive: true, force: true });
    await rename(prepared.nextSnapshot, prepared.snapshot);
  } catch (error) {
    core.warning(`The compacted snapshot was not kept: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Drops an unused new snapshot (the upload failed), so the cache keeps the old one. */
export async function discardSnapshot(prepared: PreparedDataset): Promise<void> {
  await rm(prepared.nextSnapshot, { recursive: true, force: true }).catch(() => undefined);
}

/** The action outputs of the figures: `metrics` (JSON) and a few scalars. */
export function metricOutputs(metrics: Metrics | undefined): Record<string, string> {
  if (metrics === undefined) return { metrics: '', 'prs-merged-7d': '', 'cycle-time-median-hours-7d': '', 'deployments-per-week-28d': '', 'change-failure-rate-28d': '' };
  const number = (value: number | null) => (value === null ? '' : String(Number(value.toFixed(3))));
  return {
    metrics: JSON.stringify(metrics),
    'prs-merged-7d': String(metrics.last_7_days.current.prs_merged),
    'cycle-time-median-hours-7d': number(metrics.last_7_days.current.cycle_hours.median),
    'deployments-per-week-28d': number(metrics.last_28_days.current.deployments_per_week),
    'change-failure-rate-28d': number(metrics.last_28_days.current.change_failure_rate),
  };
}
