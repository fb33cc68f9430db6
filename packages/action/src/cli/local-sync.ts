/** A sync on this machine: local state and run folders, progress in the terminal. Used by `sync` and `demo`. */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Redactor, type ApiClient, type ProgressEvent, type RunManifest } from '@bbsync/core';
import type { SyncConfig } from '../config/validate.js';
import { scopeFolder } from '../run/scope.js';
import { executeSync, prepareSync } from '../run/sync-job.js';
import { formatCount, formatDuration } from '../summary/format.js';
import { renderSummary } from '../summary/markdown.js';
import type { Terminal } from './terminal.js';

export interface LocalSyncOptions {
  readonly terminal: Terminal;
  /** Base folder for the default `.bbsync/state` and `.bbsync/runs`. @default process.cwd() */
  readonly cwd?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Run folder name. @default a timestamp */
  readonly runName?: string | undefined;
  /** A client to use instead of the connector's (tests). */
  readonly client?: ApiClient | undefined;
}

export interface LocalSyncResult {
  readonly manifest: RunManifest;
  readonly runDir: string;
  readonly statePath: string;
  readonly redact: (text: string) => string;
}

/** Where local state and runs live for a config. */
export function localPaths(config: SyncConfig, scope: string, cwd: string, runName: string): { runDir: string; statePath: string } {
  const stateRoot = resolve(cwd, config.output.stateDir ?? '.bbsync/state');
  const runsRoot = resolve(cwd, config.output.dir ?? '.bbsync/runs');
  return { statePath: join(stateRoot, scopeFolder(scope, config.shard), 'state.json'), runDir: join(runsRoot, runName) };
}

/** A run folder name: `2026-11-24T11-05-00-123Z[-shard-i-of-n]`. */
export function defaultRunName(config: SyncConfig, now = new Date()): string {
  const shard = config.shard && config.shard.count > 1 ? `-shard-${config.shard.index}-of-${config.shard.count}` : '';
  return `${now.toISOString().replace(/:/g, '-').replace('.', '-')}${shard}`;
}

/** Runs one sync with progress on the terminal; writes summary.md into the run folder. */
export async function runLocalSync(config: SyncConfig, options: LocalSyncOptions): Promise<LocalSyncResult> {
  const { terminal } = options;
  const prepared = prepareSync(config);
  const redactor = new Redactor().addForms(prepared.secrets).addPartials(prepared.partialSecrets);
  const redact = (text: string) => redactor.redact(text);
  const paths = localPaths(config, prepared.scope, options.cwd ?? process.cwd(), options.runName ?? defaultRunName(config));
  const manifest = await executeSync(prepared, {
    runDir: paths.runDir,
    statePath: paths.statePath,
    runId: options.runName,
    signal: options.signal,
    client: options.client,
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message) => terminal.err(terminal.yellow(`warning: ${redact(message)}`)),
      error: (message) => terminal.err(terminal.red(`error: ${redact(message)}`)),
    },
    onProgress: progressPrinter(terminal),
  });
  terminal.clearStatus();
  await writeFile(join(paths.runDir, 'summary.md'), redact(renderSummary(manifest, { cursor: { from: 'local', path: paths.statePath }, chart: false })));
  return { manifest, ...paths, redact };
}

/** Interactive: one status line rewritten in place. Plain: a line per finished stream and failed partition. */
export function progressPrinter(terminal: Terminal): (event: ProgressEvent) => void {
  return (event) => {
    const counters = `${event.partitionsDone}/${event.partitionsTotal ?? '?'} partitions · ${formatCount(event.requests)} requests · rate-limit wait ${formatDuration(event.rateLimitWaitMs)}`;
    if (event.type === 'stream_done') {
      terminal.err(`${terminal.green('✓')} ${event.stream ?? '?'} done${event.records === undefined ? '' : `: ${formatCount(event.records)} records`} · ${counters}`);
    } else if (event.type === 'partition_failed') {
      terminal.err(terminal.yellow(`! ${event.stream ?? '?'} ${event.partition ?? ''} failed · ${counters}`));
    } else {
      terminal.status(`${event.stream ?? ''} ${event.partition ?? ''} · ${counters}${event.etaMs === undefined ? '' : ` · eta ${formatDuration(event.etaMs)}`}`);
    }
  };
}
