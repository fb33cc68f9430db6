/**
 * The action's main step: inputs -> config -> restore cursor -> sync -> artifact -> save cursor -> summary.
 * On SIGINT/SIGTERM (the runner's cancellation) it aborts the engine at once (the engine checkpoints) and
 * leaves the upload and cursor save to the post step, which gets the paths through `core.saveState`.
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix, resolve } from 'node:path';
import * as core from '@actions/core';
import { BbsyncError, isBbsyncError, Redactor, type ProgressEvent, type RunManifest } from '@bbsync/core';
import { loadConfig } from '../config/load.js';
import { failsRun, type SyncConfig } from '../config/validate.js';
import { knownStreams } from '../run/connectors.js';
import { artifactName, cacheKeyPrefix, scopeFolder, shardLabel } from '../run/scope.js';
import { executeSync, prepareSync, type PreparedSync } from '../run/sync-job.js';
import type { CursorOrigin } from '../summary/markdown.js';
import { formatCount, formatDuration } from '../summary/format.js';
import { findCursorInArtifacts } from './artifacts.js';
import { restoreCursor } from './cursor-cache.js';
import { fallbackManifest } from './fallback-manifest.js';
import { metricOutputs } from './dataset.js';
import { finishRun } from './finish.js';
import { maskAll, maskCredentialInputs, readInputs } from './inputs.js';
import { saveJobPhase, saveJobState, type JobState } from './job-state.js';
import { annotateFailures } from './annotations.js';
import { actionLogger } from './logger.js';

/** Runs the main step. Sets `process.exitCode`; never throws. */
export async function run(): Promise<void> {
  const redactor = new Redactor();
  try {
    const values = readInputs();
    maskCredentialInputs(values);
    for (const name of ['access-token', 'api-token', 'password', 'github-token']) if (values[name]) redactor.add(values[name] as string);

    const config = await loadConfig({
      file: values['config-file'] || undefined,
      values,
      optionName: (name) => `input "${name}"`,
      knownStreams: knownStreams(),
    });
    const prepared = prepareSync(config);
    maskAll(prepared.secrets);
    redactor.addForms(prepared.secrets).addPartials(prepared.partialSecrets);
    await runPrepared(prepared, values['github-token'] ?? '', redactor);
  } catch (error) {
    const text = redactor.redact(error instanceof Error ? error.message : String(error));
    core.setFailed(isBbsyncError(error, 'config_error') ? `Configuration error:\n${text}` : text);
  }
}

function jobPaths(config: SyncConfig, scope: string): Pick<JobState, 'runDir' | 'statePath' | 'cachePath' | 'runId'> & { attempt: number; runNumber: number } {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  // The cache path string is hashed into the cache version: it must be the same string in every run.
  const cachePath = posix.join(config.output.stateDir ?? '.bbsync/state', scopeFolder(scope, config.shard));
  const stateDir = isAbsolute(cachePath) ? cachePath : join(workspace, cachePath);
  const runNumber = Number(process.env.GITHUB_RUN_ID ?? '0');
  const attempt = Number(process.env.GITHUB_RUN_ATTEMPT ?? '1');
  const shard = config.shard && config.shard.count > 1 ? `-shard-${config.shard.index}-of-${config.shard.count}` : '';
  const runId = `${process.env.GITHUB_RUN_ID ?? `local-${Date.now()}`}-${attempt}${shard}`;
  const runsRoot = config.output.dir ? resolve(workspace, config.output.dir) : join(process.env.RUNNER_TEMP ?? tmpdir(), 'bbsync', 'runs');
  return { runDir: join(runsRoot, runId), statePath: join(stateDir, 'state.json'), cachePath, runId, attempt, runNumber };
}

async function runPrepared(prepared: PreparedSync, githubToken: string, redactor: Redactor): Promise<void> {
  const { config } = prepared;
  const redact = (text: string) => redactor.redact(text);
  const logger = actionLogger(redact);
  const paths = jobPaths(config, prepared.scope);
  const prefix = cacheKeyPrefix(config.cacheKeyPrefix, prepared.scope, config.shard);
  const job: JobState = {
    ...paths,
    cacheKey: `${prefix}${paths.runNumber}-${paths.attempt}`,
    artifactName: artifactName(config.artifact.name, config.shard, paths.attempt),
    retentionDays: config.artifact.retentionDays,
    source: config.source,
    scope: prepared.scope,
    shard: config.shard ? shardLabel(config.shard) : undefined,
    startedAt: new Date().toISOString(),
  };
  await mkdir(dirname(job.statePath), { recursive: true });

  const cursor = await core.group('Restore cursor', () => restoreOrFind(job, prefix, prepared, githubToken));
  core.info(
    cursor.from === 'cache'
      ? `Cursor restored from the cache (${cursor.key}).`
      : cursor.from === 'artifact'
        ? `Cursor restored from artifact ${cursor.artifactName} of run ${cursor.runId}.`
        : `No cursor found: first sync${config.startDate ? ` from ${config.startDate.toISOString()}` : ''}.`,
  );

  // From here on, the post step must upload whatever is checkpointed if main does not get to.
  saveJobState(job);
  saveJobPhase('syncing');

  const controller = new AbortController();
  let cancelledBy: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (cancelledBy === undefined) {
      cancelledBy = signal;
      core.warning(`Received ${signal}: stopping at the next checkpoint; the post step uploads what was saved.`);
      controller.abort(new BbsyncError('cancelled', `Cancelled by ${signal}`));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let manifest: RunManifest;
  try {
    manifest = await core.group(`Sync ${config.source} (${prepared.scope})`, () =>
      executeSync(prepared, { runDir: job.runDir, statePath: job.statePath, runId: job.runId, signal: controller.signal, logger, onProgress: progressLogger() }),
    );
  } catch (error) {
    if (isBbsyncError(error, 'config_error')) {
      saveJobPhase('done');
      throw error;
    }
    const message = redact(error instanceof Error ? error.message : String(error));
    core.error(`The sync ended with an unexpected error: ${message}`);
    manifest = await fallbackManifest({
      runDir: job.runDir,
      source: job.source,
      scope: job.scope,
      runId: job.runId,
      startedAt: job.startedAt,
      finishedAt: new Date().toISOString(),
      stopReason: `unexpected error: ${message}`,
      status: 'failed',
    });
  }

  if (cancelledBy !== undefined) {
    // The runner kills the process ~10 s after SIGINT: leave the upload to the post step.
    saveJobPhase('cancelled');
    core.setOutput('status', 'cancelled');
    core.setFailed(`Cancelled (${cancelledBy}); the post step uploads the checkpointed data and saves the cursor.`);
    return;
  }

  const result = await finishRun({ job, manifest, cursor, startDate: config.startDate?.toISOString(), redact, dataset: true });
  saveJobPhase('done');

  const records = Object.fromEntries(Object.entries(manifest.streams).map(([stream, counts]) => [stream, counts.records]));
  core.setOutput('records', JSON.stringify(records));
  core.setOutput('requests', String(manifest.requests.total));
  core.setOutput('artifact-id', result.artifactId === undefined ? '' : String(result.artifactId));
  core.setOutput('artifact-name', job.artifactName);
  core.setOutput('complete', String(manifest.status === 'complete'));
  core.setOutput('status', manifest.status);
  core.setOutput('cursor-key', result.cursorSave?.saved ? result.cursorSave.key : '');
  core.setOutput('run-dir', job.runDir);
  for (const [name, value] of Object.entries(metricOutputs(result.metrics))) core.setOutput(name, value);

  const total = Object.values(records).reduce((a, b) => a + b, 0);
  core.info(`${manifest.status}: ${formatCount(total)} records, ${formatCount(manifest.requests.total)} requests.`);
  annotateFailures(manifest, redact);
  const fails = failsRun(manifest.status, config.failOn);
  if (result.artifactError !== undefined) core.setFailed(`The artifact was not uploaded: ${result.artifactError}`);
  else if (fails && manifest.status === 'failed') core.setFailed(`The sync failed: ${redact(manifest.stopReason ?? 'see the job summary')}`);
  else if (fails) core.setFailed(`The sync was partial, some partitions failed (fail-on: ${config.failOn}): ${redact(manifest.stopReason ?? 'see the job summary')}`);
  else if (manifest.status === 'stopped') core.notice(`Stopped early (${redact(manifest.stopReason ?? 'budget')}); the next run continues from the last checkpoint.`);
}

async function restoreOrFind(job: JobState, prefix: string, prepared: PreparedSync, githubToken: string): Promise<CursorOrigin> {
  const restored = await restoreCursor(job.cachePath, job.cacheKey, prefix);
  if (restored.key !== undefined) return { from: 'cache', key: restored.key };
  if (githubToken !== '' && process.env.GITHUB_REPOSITORY) {
    const found = await findCursorInArtifacts({
      token: githubToken,
      repository: process.env.GITHUB_REPOSITORY,
      artifactName: job.artifactName,
      currentRunId: Number(process.env.GITHUB_RUN_ID ?? '0'),
      statePath: job.statePath,
      scope: prepared.scope,
    });
    if (found) return { from: 'artifact', ...found };
  }
  return { from: 'none', reason: restored.reason };
}

/** Logs a line per finished stream and failed partition, and a heartbeat at most every 30 s. */
function progressLogger(): (event: ProgressEvent) => void {
  let last = 0;
  return (event) => {
    const counters = `requests=${event.requests} rate-limit-wait=${formatDuration(event.rateLimitWaitMs)} partitions=${event.partitionsDone}/${event.partitionsTotal ?? '?'}`;
    if (event.type === 'stream_done') core.info(`stream ${event.stream ?? '?'} done${event.records === undefined ? '' : `: ${event.records} records`}; ${counters}`);
    else if (event.type === 'partition_failed') core.info(`partition failed: ${event.stream ?? '?'} ${event.partition ?? ''}; ${counters}`);
    else if (Date.now() - last > 30_000) {
      last = Date.now();
      core.info(`progress: ${counters}${event.etaMs === undefined ? '' : ` eta=${formatDuration(event.etaMs)}`}`);
    }
  };
}
