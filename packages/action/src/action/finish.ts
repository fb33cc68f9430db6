/**
 * The end of a run, shared by main (normal end) and post (after a cancellation): summary file, artifact upload,
 * and only once the artifact is uploaded, the cursor save. Order matters: a cursor saved before its data is
 * uploaded would skip that data forever if the upload then failed.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '@actions/core';
import type { RunManifest } from '@bbsync/core';
import { renderSummary, type CursorOrigin } from '../summary/markdown.js';
import { uploadRun } from './artifacts.js';
import { commitSnapshot, discardSnapshot, prepareDataset } from './dataset.js';
import type { Metrics } from '@bbsync/dataset';
import { saveCursor, type SaveResult } from './cursor-cache.js';
import type { JobState } from './job-state.js';

export interface FinishResult {
  readonly artifactId: number | undefined;
  readonly artifactError: string | undefined;
  readonly cursorSave: SaveResult | undefined;
  readonly summary: string;
  /** The figures, when the dataset was built. */
  readonly metrics?: Metrics | undefined;
}

export interface FinishInput {
  readonly job: JobState;
  readonly manifest: RunManifest;
  readonly cursor: CursorOrigin | undefined;
  readonly startDate?: string | undefined;
  /** Redacts text before it is written anywhere. */
  readonly redact: (text: string) => string;
  /** Build the dataset (bbsync.sqlite, metrics.json) into the artifact and keep the compacted snapshot. @default false */
  readonly dataset?: boolean | undefined;
}

export async function finishRun(input: FinishInput): Promise<FinishResult> {
  const { job, manifest } = input;
  await mkdir(job.runDir, { recursive: true });
  // The state the artifact's data is covered by. The engine copies it at its end; after a kill it did not.
  await copyFile(job.statePath, join(job.runDir, 'state.json')).catch(() => undefined);
  await writeFile(join(job.runDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' }).catch(() => undefined);

  const dataset = input.dataset ? await prepareDataset(job, manifest) : undefined;
  // The figures open the summary; the sync health follows.
  const opening = dataset ? `${dataset.markdown}\n\n` : '';
  const base = { title: `bbsync ${manifest.source}`, shard: job.shard, cursor: input.cursor, startDate: input.startDate };
  const provisional = input.redact(opening + renderSummary(manifest, { ...base, artifact: { name: job.artifactName } }));
  await writeFile(join(job.runDir, 'summary.md'), provisional);

  const upload = await uploadRun(job.runDir, job.artifactName, job.retentionDays);
  let cursorSave: SaveResult | undefined;
  let artifactError: string | undefined;
  let artifactId: number | undefined;
  if ('error' in upload) {
    artifactError = input.redact(upload.error);
    core.error(`The artifact ${job.artifactName} was not uploaded: ${artifactError}. The cursor is NOT saved, so the next run re-reads this data.`);
    if (dataset) await discardSnapshot(dataset);
  } else {
    artifactId = upload.id;
    if (dataset) await commitSnapshot(dataset);
    cursorSave = await saveCursor(job.cachePath, job.cacheKey);
  }

  const summary = input.redact(
    opening +
    renderSummary(manifest, {
      ...base,
      artifact: { name: job.artifactName, id: artifactId, error: artifactError },
      cursorSave: cursorSave ? { key: cursorSave.key, saved: cursorSave.saved, reason: cursorSave.saved ? undefined : cursorSave.reason } : { saved: false, reason: 'the artifact was not uploaded' },
    }),
  );
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(summary).write();
    } catch (error) {
      core.warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { artifactId, artifactError, cursorSave, summary, metrics: dataset?.metrics };
}
