/**
 * A child process that runs one sync with core's engine and a connector (run from TypeScript sources, see
 * child-node.ts). SIGTERM aborts the run gracefully through an AbortController: the engine checkpoints and
 * returns a `stopped` manifest. The parent may also SIGKILL it at any moment.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isBbsyncError, silentLogger, type Connector } from '@bbsync/core';
import { loadConnector } from './connectors.js';
import { loadCore } from './parts.js';
import { READY_MARKER, RESULT_MARKER, type SyncJob, type SyncOutcome } from './sync-job.js';

async function main(): Promise<SyncOutcome> {
  const job = JSON.parse(process.env.BBSYNC_E2E_JOB ?? '{}') as SyncJob;
  const core = await loadCore();
  const connector: Connector = await loadConnector(job.api);
  const controller = new AbortController();
  process.on('SIGTERM', () => controller.abort());
  const config: unknown = connector.parseConfig(job.config);
  const credentials = core.parseCredentials(job.credentials);
  const client = connector.createClient(config, credentials, {
    logger: silentLogger,
    concurrency: job.concurrency ?? 4,
    maxWaitMs: job.maxWaitMs ?? 20_000,
    // As the CLI and the action wire it: the client enforces the request budget as a hard cap (requests in flight
    // included), the engine turns it into a graceful stop.
    maxRequests: job.maxRequests,
    ...(job.timeoutMs === undefined
      ? {}
      : { transport: core.createUndiciTransport({ headersTimeoutMs: job.timeoutMs, bodyTimeoutMs: job.timeoutMs }) }),
  });
  await mkdir(dirname(job.stateFile), { recursive: true });
  const state = await core.openState(job.stateFile, connector.scope(config));
  const started = Date.now();
  process.stdout.write(`${READY_MARKER}\n`);
  try {
    const manifest = await core.runSync({
      source: connector.source,
      config,
      client,
      state,
      outputDir: job.runDir,
      runId: job.runId,
      concurrency: job.concurrency ?? 4,
      streams: job.streams,
      signal: controller.signal,
      logger: silentLogger,
      budgets: {
        maxRequests: job.maxRequests,
        deadline: job.deadlineAfterMs === undefined ? undefined : started + job.deadlineAfterMs,
      },
    });
    return {
      status: manifest.status,
      stopReason: manifest.stopReason,
      requests: manifest.requests.total,
      retries: manifest.requests.retries,
      errors: manifest.errors.map((e) => ({ stream: e.stream, partition: e.partition, code: e.code, message: e.message })),
      remaining: manifest.remaining,
    };
  } finally {
    await (client as { close?: () => Promise<void> }).close?.();
  }
}

main()
  .then((outcome) => {
    process.stdout.write(`${RESULT_MARKER}${JSON.stringify(outcome)}\n`);
    process.exitCode = 0;
  })
  .catch((error: unknown) => {
    const detail = isBbsyncError(error) ? error.toJSON() : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stdout.write(`${RESULT_MARKER}${JSON.stringify({ status: 'threw', error: detail } satisfies SyncOutcome)}\n`);
    process.exitCode = 3;
  });
