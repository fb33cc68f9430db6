/**
 * The post step (`post-if: always()`): when main did not finish (cancelled, or killed), upload whatever it
 * had checkpointed and save the cursor that covers exactly that data. When main finished, do nothing.
 */
import * as core from '@actions/core';
import { Redactor } from '@bbsync/core';
import { fallbackManifest, readManifest } from './fallback-manifest.js';
import { finishRun } from './finish.js';
import { maskCredentialInputs, readInputs } from './inputs.js';
import { loadJobState, saveJobPhase } from './job-state.js';

/** Runs the post step. Sets `process.exitCode`; never throws. */
export async function run(): Promise<void> {
  try {
    const values = readInputs();
    maskCredentialInputs(values);
    const redactor = new Redactor();
    for (const name of ['access-token', 'api-token', 'password', 'github-token']) if (values[name]) redactor.add(values[name] as string);

    const { state: job, phase } = loadJobState();
    if (job === undefined) {
      core.info('bbsync: main did not start a sync; nothing to upload.');
      return;
    }
    if (phase === 'done') {
      core.info('bbsync: main finished; nothing left to upload.');
      return;
    }
    core.info(`bbsync: main ended during the sync (${phase ?? 'killed'}); uploading what was checkpointed.`);
    const manifest =
      (await readManifest(job.runDir)) ??
      (await fallbackManifest({
        runDir: job.runDir,
        source: job.source,
        scope: job.scope,
        runId: job.runId,
        startedAt: job.startedAt,
        finishedAt: new Date().toISOString(),
        stopReason: 'cancelled before the run finished',
      }));
    const result = await finishRun({ job, manifest, cursor: undefined, redact: (text) => redactor.redact(text) });
    saveJobPhase('done');
    if (result.artifactError !== undefined) core.setFailed(`The artifact was not uploaded: ${result.artifactError}`);
    else core.info(`bbsync: uploaded ${job.artifactName}${result.cursorSave?.saved ? ` and saved the cursor (${result.cursorSave.key})` : ''}.`);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
