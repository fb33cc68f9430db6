/** One sync in this process (no kill needed): the same wiring as sync-child.ts, returning the manifest or the error. */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { silentLogger, toBbsyncError, type BbsyncError, type RunManifest } from '@bbsync/core';
import { loadConnector } from './connectors.js';
import { loadCore } from './parts.js';
import type { SyncJob } from './sync-job.js';

export type InProcessResult = { readonly manifest: RunManifest; readonly error?: undefined } | { readonly manifest?: undefined; readonly error: BbsyncError };

export async function syncInProcess(job: SyncJob): Promise<InProcessResult> {
  const core = await loadCore();
  const connector = await loadConnector(job.api);
  try {
    const config: unknown = connector.parseConfig(job.config);
    const client = connector.createClient(config, core.parseCredentials(job.credentials), {
      logger: silentLogger,
      concurrency: job.concurrency ?? 4,
      maxWaitMs: job.maxWaitMs ?? 20_000,
      maxRequests: job.maxRequests,
    });
    await mkdir(dirname(job.stateFile), { recursive: true });
    const state = await core.openState(job.stateFile, connector.scope(config));
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
        shard: job.shard,
        logger: silentLogger,
        budgets: { maxRequests: job.maxRequests },
      });
      return { manifest };
    } finally {
      await (client as { close?: () => Promise<void> }).close?.();
    }
  } catch (error) {
    return { error: toBbsyncError(error) };
  }
}
