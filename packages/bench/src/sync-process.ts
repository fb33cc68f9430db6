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
  const probe = { commitMs: 0, commits: 0, reqMs: 0, reqs: 0, inflight: 0, maxInflight: 0, inflightArea: 0, last: performance.now() };
  const perSec: number[] = []; const t00 = performance.now(); const tickArea = () => { const now = performance.now(); probe.inflightArea += probe.inflight * (now - probe.last); const sec = Math.floor((now - t00) / 1000); perSec[sec] = (perSec[sec] ?? 0) + probe.inflight * (now - probe.last) / 1000; probe.last = now; };
  if (process.env.BBSYNC_BENCH_PROBE) {
    const commit = state.commit.bind(state);
    (state as any).commit = async (...a: any[]) => { const t = performance.now(); try { return await (commit as any)(...a); } finally { probe.commitMs += performance.now() - t; probe.commits++; } };
    const request = client.request.bind(client);
    (client as any).request = async (...a: any[]) => { const t = performance.now(); tickArea(); probe.inflight++; probe.maxInflight = Math.max(probe.maxInflight, probe.inflight); try { return await (request as any)(...a); } finally { tickArea(); probe.inflight--; probe.reqMs += performance.now() - t; probe.reqs++; } };
  }

  const started = performance.now();
  const manifest = await core.runSync({
    source: connector.source,
    config,
    client,
    state,
    outputDir: job.outputDir,
    ...(process.env.NO_GZIP ? { gzip: false } : {}),
    concurrency: job.concurrency,
    logger: silentLogger,
    clock,
    budgets: job.deadlineMs === undefined ? undefined : { deadline: clock.now() + job.deadlineMs * job.clockSpeedUp },
  });
  const wallMs = performance.now() - started;
  if (process.env.BBSYNC_BENCH_PROBE) process.stderr.write(`PROBE wall=${wallMs.toFixed(0)} commits=${probe.commits} commitMs=${probe.commitMs.toFixed(0)} reqs=${probe.reqs} reqMs=${probe.reqMs.toFixed(0)} avgInflight=${(probe.inflightArea / wallMs).toFixed(1)} maxInflight=${probe.maxInflight} cpu=${JSON.stringify(process.cpuUsage())}\nPERSEC ${Array.from(perSec, (v) => (v ?? 0).toFixed(0)).join(' ')}\n`);
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
