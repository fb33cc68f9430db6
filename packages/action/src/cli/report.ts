/** The end-of-run report in the terminal: a summary table per stream, then stop reasons and errors. */
import type { RunManifest } from '@bbsync/core';
import { formatCount, formatDuration } from '../summary/format.js';
import { textTable, type Terminal } from './terminal.js';

/** Prints a run's summary table and what happened. */
export function printRunReport(terminal: Terminal, manifest: RunManifest, title: string): void {
  const streams = Object.entries(manifest.streams);
  const status =
    manifest.status === 'complete'
      ? terminal.green('complete')
      : manifest.status === 'stopped'
        ? terminal.yellow('stopped early')
        : manifest.status === 'partial'
          ? terminal.yellow('partial (some partitions failed)')
          : terminal.red('failed');
  const duration = Date.parse(manifest.finishedAt) - Date.parse(manifest.startedAt);
  terminal.out(`${terminal.bold(title)}: ${status} in ${formatDuration(duration)}`);
  terminal.out(
    textTable(
      ['stream', 'records', 'deleted', 'partitions', 'failed', 'requests'],
      streams.map(([name, c]) => [name, formatCount(c.records), formatCount(c.deleted), formatCount(c.partitions), formatCount(c.failedPartitions), formatCount(c.requests)]),
    ),
  );
  const r = manifest.requests;
  terminal.out(`requests: ${formatCount(r.total)} (retries ${formatCount(r.retries)}, rate-limited ${formatCount(r.rateLimited)}, waited ${formatDuration(r.rateLimitWaitMs)})`);
  if (manifest.status !== 'complete') {
    terminal.out(`${manifest.status === 'stopped' ? 'stopped' : manifest.status === 'partial' ? 'partial' : 'failed'}: ${manifest.stopReason ?? 'see errors'}${manifest.remaining.length > 0 ? `; ${formatCount(manifest.remaining.length)} partitions remain for the next run` : ''}`);
  }
  if (manifest.errors.length > 0) {
    const byCode = new Map<string, { count: number; hint: string }>();
    for (const e of manifest.errors) byCode.set(e.code, { count: (byCode.get(e.code)?.count ?? 0) + 1, hint: e.hint });
    terminal.out(terminal.red(`errors: ${formatCount(manifest.errors.length)}`));
    for (const [code, { count, hint }] of byCode) terminal.out(`  ${code} x${count}: ${hint}`);
  }
}
