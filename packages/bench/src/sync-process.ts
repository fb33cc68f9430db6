/**
 * The sync process: runs one bbsync sync (core's engine with a connector) against the simulator and reports
 * requests, wall time and its own peak RSS. It is its own process so that the RSS is the sync's alone (the
 * simulator and the benchmark's bookkeeping live elsewhere).
 *
 * Protocol: the parent sends one {@link SyncJob}; this process answers one {@link SyncReplyMessage} and exits.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { silentLogger } from '@bbsync/core';
import { fastClock } from './fast-clock.js';
import { meterFsync } from './fsync-meter.js';
import { sampleMemory } from './memory-sampler.js';
import { loadConnector, loadCore } from './parts.js';
import type { SyncJob, SyncOutcome, SyncReplyMessage } from './protocol.js';

/** Runs one sync job in this process. */
export async function runSyncJob(job: SyncJob): Promise<SyncOutcome> {
  const core = loadCore();
  const connector = loadConnector(job.api);
  const fsyncs = await meterFsync();
  const clock = fastClock(job.clockSpeedUp);
  const config: unknown = connector.parseConfig(job.config);
  const credentials = core.parseCredentials(job.credentials);
  const client = connector.createClient(config, credentials, {
    clock,
    logger: silentLogger,
    concurrency: job.concurrency,
    maxWaitMs: job.maxWaitMs,
  });
  await mkdir(dirname(job.stateFile), { recursive: true });
  const state = await core.openState(job.stateFile, connector.scope(config), clock);

  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const memory = sampleMemory();
  const manifest = await core.runSync({
    source: connector.source,
    config,
    client,
    state,
    outputDir: job.outputDir,
    concurrency: job.concurrency,
    logger: silentLogger,
    clock,
    budgets: job.deadlineMs === undefined ? undefined : { deadline: clock.now() + job.deadlineMs * job.clockSpeedUp },
  });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const peaks = memory.stop();
  await (client as { close?: () => Promise<void> }).close?.();

  const records = Object.values(manifest.streams).reduce((sum, counts) => sum + counts.records, 0);
  return {
    status: manifest.status,
    stopReason: manifest.stopReason,
    requests: manifest.requests.total,
    retries: manifest.requests.retries,
    rateLimited: manifest.requests.rateLimited,
    rateLimitWaitMs: manifest.requests.rateLimitWaitMs / job.clockSpeedUp,
    records,
    errors: manifest.errors.slice(0, 5).map((e) => `${e.stream} ${e.partition}: ${e.code} ${e.message}`),
    wallMs,
    fsyncs: fsyncs.calls,
    fsyncMs: fsyncs.ms,
    // resourceUsage().maxRSS is in kilobytes.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
    memoryAtPeak: peaks.atPeakRss,
    peakLiveHeapBytes: peaks.peakLiveHeapBytes,
    v8Flags: process.execArgv.filter((flag) => flag.startsWith('--max-') || flag.startsWith('--optimize-')),
  };
}

function reply(message: SyncReplyMessage): Promise<void> {
  return new Promise((resolve) => process.send?.(message, () => resolve()) ?? resolve());
}

if (process.send !== undefined) {
  process.once('message', (job: SyncJob) => {
    runSyncJob(job)
      .then((outcome) => reply({ ok: true, outcome }))
      .catch((error: unknown) => reply({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
      .finally(() => process.disconnect());
  });
}
