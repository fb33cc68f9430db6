import type { RunManifest } from '@bbsync/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { annotateFailures } from './annotations.js';

const BASE: RunManifest = {
  version: 1,
  tool: 'bbsync',
  source: 'cloud',
  scope: 'cloud:https://api.bitbucket.org/2.0:acme',
  runId: 'r',
  startedAt: '2026-11-01T10:00:00.000Z',
  finishedAt: '2026-11-01T10:01:00.000Z',
  status: 'complete',
  streams: {},
  requests: { total: 0, retries: 0, rateLimited: 0, rateLimitWaitMs: 0, byCredential: [] },
  errors: [{ stream: 'pipelines', partition: 'acme/api', code: 'invalid_permissions', status: 403, message: 'Forbidden', hint: 'Grant the pipeline scope.' }],
  absences: [],
  remaining: [],
  files: {},
  cursorsBefore: null,
  cursorsAfter: null,
};

/** The workflow commands @actions/core wrote to stdout while `run` ran. */
function commands(run: () => void): string[] {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk).trim());
    return true;
  });
  try {
    run();
  } finally {
    write.mockRestore();
  }
  return lines.filter((line) => line.startsWith('::'));
}

afterEach(() => vi.restoreAllMocks());

describe('annotateFailures', () => {
  it('a partial run: one warning per failed stream, naming it, its counts, codes and hint', () => {
    const manifest: RunManifest = { ...BASE, status: 'partial', failures: [{ stream: 'pipelines', failed: 3, done: 7, codes: ['invalid_permissions'] }] };
    expect(commands(() => annotateFailures(manifest, (text) => text))).toEqual([
      '::warning title=bbsync partial%3A pipelines::pipelines failed in 3 of 10 partitions (invalid_permissions). Grant the pipeline scope. The failed partitions are retried first next run.',
    ]);
  });

  it('a failed run: errors, redacted; a complete or stopped run: nothing', () => {
    const manifest: RunManifest = { ...BASE, status: 'failed', failures: [{ stream: 'repositories', failed: 1, done: 0, codes: ['server_error'], whole: 'listing' }] };
    const [line] = commands(() => annotateFailures(manifest, (text) => text.replaceAll('repositories', '***')));
    expect(line).toMatch(/^::error title=bbsync failed%3A repositories::the \*\*\* listing failed \(server_error\)/);
    expect(commands(() => annotateFailures(BASE, (text) => text))).toEqual([]);
    expect(commands(() => annotateFailures({ ...BASE, status: 'stopped' }, (text) => text))).toEqual([]);
  });
});
