/**
 * The job summary (GitHub-flavoured Markdown): readable at a glance, tables first, bounded in size
 * (GitHub refuses a step summary over 1 MiB; we stay far below by capping the error list).
 */
import type { RunManifest } from '@bbsync/core';
import { formatCount, formatDuration } from './format.js';

/** Where the cursor of this run came from. */
export type CursorOrigin =
  | { readonly from: 'cache'; readonly key: string }
  | { readonly from: 'artifact'; readonly runId: number; readonly artifactName: string }
  | { readonly from: 'local'; readonly path: string }
  | { readonly from: 'none'; readonly reason?: string | undefined };

/** What happened around the sync: cursors and artifact. All optional (the CLI has none of them). */
export interface SummaryContext {
  readonly title?: string | undefined;
  /** `i/n` when sharded. */
  readonly shard?: string | undefined;
  readonly cursor?: CursorOrigin | undefined;
  readonly artifact?: { readonly name: string; readonly id?: number | undefined; readonly error?: string | undefined } | undefined;
  readonly cursorSave?: { readonly key?: string | undefined; readonly saved: boolean; readonly reason?: string | undefined } | undefined;
  /** A first-sync bound (ISO date) to mention when no cursor was found. */
  readonly startDate?: string | undefined;
  /** Include a mermaid chart of requests per stream. @default true */
  readonly chart?: boolean | undefined;
}

/** Errors listed individually, at most. */
export const MAX_ERROR_ROWS = 30;
/** Stay well under GitHub's 1 MiB per step summary. */
export const MAX_SUMMARY_BYTES = 256 * 1024;

const STATUS: Record<RunManifest['status'], string> = {
  complete: '✅ complete',
  stopped: '⏸️ stopped early',
  partial: '⚠️ partial',
  failed: '❌ failed',
};

function cell(text: string, max = 160): string {
  const flat = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const rule = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

/** Renders the summary of one run. Pure: the same manifest and context always give the same text. */
export function renderSummary(manifest: RunManifest, context: SummaryContext = {}): string {
  const parts: string[] = [];
  const streams = Object.entries(manifest.streams);
  const records = streams.reduce((sum, [, counts]) => sum + counts.records, 0);
  const deleted = streams.reduce((sum, [, counts]) => sum + counts.deleted, 0);
  const duration = Date.parse(manifest.finishedAt) - Date.parse(manifest.startedAt);
  const title = context.title ?? `bbsync ${manifest.source}`;
  const shard = context.shard ? ` (shard ${context.shard})` : '';

  parts.push(`## ${title}${shard}: ${STATUS[manifest.status]}`);
  parts.push(
    `**${formatCount(records)}** records and **${formatCount(deleted)}** deletions in ${streams.length} streams · ` +
      `**${formatCount(manifest.requests.total)}** requests (${formatCount(manifest.requests.retries)} retries, ` +
      `${formatCount(manifest.requests.rateLimited)} rate-limited, ${formatDuration(manifest.requests.rateLimitWaitMs)} waiting) · ` +
      `${formatDuration(Number.isFinite(duration) ? duration : 0)} · scope \`${cell(manifest.scope, 120)}\``,
  );

  parts.push('### Streams');
  parts.push(
    table(
      ['Stream', 'Records', 'Deleted', 'Partitions', 'Failed', 'Requests', 'Duration'],
      streams.map(([name, counts]) => [
        `\`${name}\``,
        formatCount(counts.records),
        formatCount(counts.deleted),
        formatCount(counts.partitions),
        counts.failedPartitions > 0 ? `**${formatCount(counts.failedPartitions)}**` : '0',
        formatCount(counts.requests),
        formatDuration(counts.durationMs),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  parts.push(
    '<sub>Records counts new and updated records together (a run cannot tell them apart without the earlier data); ' +
      '`bbsync merge` reports new, updated and deleted against the previous snapshot.</sub>',
  );

  if (context.chart !== false) {
    const withRequests = streams.filter(([, counts]) => counts.requests > 0);
    if (withRequests.length > 1) {
      parts.push(
        ['```mermaid', 'pie showData title Requests per stream', ...withRequests.map(([name, counts]) => `    "${name}" : ${counts.requests}`), '```'].join('\n'),
      );
    }
  }

  if (manifest.status !== 'complete') parts.push(renderStop(manifest));
  if (manifest.errors.length > 0) parts.push(renderErrors(manifest));

  const credentials = manifest.requests.byCredential;
  if (credentials.length > 1) {
    parts.push('### Requests by credential');
    parts.push(table(['Credential', 'Requests'], credentials.map((c) => [cell(c.label, 60), formatCount(c.requests)]), ['l', 'r']));
  }

  const cursorRows = renderCursorRows(manifest, context);
  if (cursorRows.length > 0) {
    parts.push('### Cursor and results');
    parts.push(table(['', ''], cursorRows));
  }
  if (manifest.absences.length > 0) {
    parts.push(`<sub>${formatCount(manifest.absences.length)} expected absences recorded as data (e.g. a pull request whose branch is gone, an empty repository); see manifest.json.</sub>`);
  }

  const text = `${parts.join('\n\n')}\n`;
  return Buffer.byteLength(text) <= MAX_SUMMARY_BYTES ? text : `${text.slice(0, MAX_SUMMARY_BYTES - 200)}\n\n… (summary truncated; see summary.md in the artifact)\n`;
}

function renderStop(manifest: RunManifest): string {
  const lines: string[] = [];
  if (manifest.status === 'stopped') {
    lines.push(`### Stopped early: ${cell(manifest.stopReason ?? 'a budget was spent')}`);
    lines.push('Everything up to the last checkpoint is saved; **the next run continues from there**.');
  } else {
    const heading = manifest.status === 'partial' ? 'Partial: some partitions failed' : 'Failed';
    lines.push(`### ${heading}: ${cell(manifest.stopReason ?? 'see the errors below', 400)}`);
    const failures = manifest.failures ?? [];
    if (failures.length > 0) {
      lines.push(
        table(
          ['Stream', 'Failed', 'Finished', 'Codes', ''],
          failures.map((failure) => [
            `\`${failure.stream}\``,
            formatCount(failure.failed),
            formatCount(failure.done),
            cell(failure.codes.map((code) => `\`${code}\``).join(', '), 120),
            failure.whole === 'listing' ? 'the listing failed' : failure.whole === 'everywhere' ? 'failed in every partition' : '',
          ]),
          ['l', 'r', 'r', 'l', 'l'],
        ),
      );
    }
    lines.push(
      'Data of the partitions that finished is in the artifact and their cursors are saved; the failed partitions kept their cursors and **the next run retries them first**. Fix the cause named in the errors below.',
    );
  }
  if (manifest.remaining.length > 0) {
    const byStream = new Map<string, number>();
    for (const item of manifest.remaining) byStream.set(item.stream, (byStream.get(item.stream) ?? 0) + 1);
    lines.push(`Remaining: **${formatCount(manifest.remaining.length)}** partitions.`);
    lines.push(table(['Stream', 'Partitions remaining'], [...byStream].map(([stream, count]) => [`\`${stream}\``, formatCount(count)]), ['l', 'r']));
  }
  return lines.join('\n\n');
}

function renderErrors(manifest: RunManifest): string {
  const byCode = new Map<string, { count: number; streams: Set<string>; hint: string }>();
  for (const error of manifest.errors) {
    const entry = byCode.get(error.code) ?? { count: 0, streams: new Set<string>(), hint: error.hint };
    entry.count += 1;
    entry.streams.add(error.stream);
    byCode.set(error.code, entry);
  }
  const lines = [`### Errors (${formatCount(manifest.errors.length)})`];
  lines.push(
    table(
      ['Code', 'Count', 'Streams', 'What to do'],
      [...byCode].map(([code, entry]) => [`\`${code}\``, formatCount(entry.count), cell([...entry.streams].join(', '), 80), cell(entry.hint, 240)]),
      ['l', 'r', 'l', 'l'],
    ),
  );
  const shown = manifest.errors.slice(0, MAX_ERROR_ROWS);
  const rows = shown.map((error) => [`\`${error.code}\``, `\`${error.stream}\``, cell(error.partition || 'workspace', 60), error.status === undefined ? '' : String(error.status), cell(error.message, 200)]);
  const more = manifest.errors.length > shown.length ? `\n\n… and ${formatCount(manifest.errors.length - shown.length)} more in manifest.json.` : '';
  lines.push(`<details><summary>Failed partitions</summary>\n\n${table(['Code', 'Stream', 'Partition', 'Status', 'Message'], rows)}${more}\n\n</details>`);
  return lines.join('\n\n');
}

function renderCursorRows(manifest: RunManifest, context: SummaryContext): string[][] {
  const rows: string[][] = [];
  const cursor = context.cursor;
  if (cursor) {
    const text =
      cursor.from === 'cache'
        ? `restored from cache \`${cell(cursor.key, 120)}\``
        : cursor.from === 'artifact'
          ? `restored from artifact \`${cell(cursor.artifactName, 80)}\` of run ${cursor.runId}`
          : cursor.from === 'local'
            ? `local state \`${cell(cursor.path, 120)}\``
            : `none: first sync${context.startDate ? ` from ${context.startDate}` : ''}${cursor.reason ? ` (${cell(cursor.reason)})` : ''}`;
    rows.push(['Cursor', text]);
  }
  if (context.artifact) {
    const a = context.artifact;
    rows.push(['Artifact', a.error ? `❌ not uploaded: ${cell(a.error)}` : `\`${cell(a.name, 80)}\`${a.id === undefined ? '' : ` (id ${a.id})`}`]);
  }
  if (context.cursorSave) {
    const s = context.cursorSave;
    rows.push(['Cursor saved', s.saved ? `✅ \`${cell(s.key ?? '', 120)}\`` : `⚠️ not saved: ${cell(s.reason ?? 'unknown')}`]);
  }
  if (rows.length > 0) rows.push(['Run', `\`${cell(manifest.runId, 80)}\` · ${manifest.startedAt} → ${manifest.finishedAt}`]);
  return rows;
}
