import type { RunManifest } from '@bbsync/core';
import { describe, expect, it } from 'vitest';
import { MAX_SUMMARY_BYTES, renderSummary } from './markdown.js';

function manifest(overrides: Partial<RunManifest> = {}): RunManifest {
  return {
    version: 1,
    tool: 'bbsync',
    source: 'cloud',
    scope: 'cloud:https://api.bitbucket.org/2.0:acme',
    runId: '1001-1',
    startedAt: '2026-11-01T10:00:00.000Z',
    finishedAt: '2026-11-01T10:03:25.500Z',
    status: 'stopped',
    stopReason: 'request budget spent (max-requests 500)',
    streams: {
      repositories: { records: 42, deleted: 1, partitions: 1, failedPartitions: 0, requests: 1, durationMs: 800 },
      pull_requests: { records: 1234, deleted: 0, partitions: 40, failedPartitions: 2, requests: 380, durationMs: 150_000 },
      pipelines: { records: 77, deleted: 0, partitions: 38, failedPartitions: 0, requests: 119, durationMs: 61_000 },
    },
    requests: {
      total: 500,
      retries: 7,
      rateLimited: 3,
      rateLimitWaitMs: 12_500,
      byCredential: [
        { index: 0, label: 'workspace token', requests: 300 },
        { index: 1, label: 'api token (me@…)', requests: 200 },
      ],
    },
    errors: [
      { stream: 'pull_requests', partition: 'acme/secret-repo', code: 'invalid_permissions', status: 403, message: 'GET /repositories/acme/secret-repo/pullrequests: 403 | forbidden', hint: 'Grant the pullrequest scope.' },
      { stream: 'pull_requests', partition: 'acme/flaky', code: 'server_error', status: 500, message: 'GET /repositories/acme/flaky/pullrequests: 500 after 4 attempts', hint: 'Usually transient.' },
    ],
    absences: [{ stream: 'pull_requests', partition: 'acme/api', what: 'commits of PR 7 (branch gone)', status: 404 }],
    remaining: [
      { stream: 'pull_requests', partition: 'acme/a' },
      { stream: 'pull_requests', partition: 'acme/b' },
      { stream: 'pipelines', partition: 'acme/a' },
    ],
    files: {},
    cursorsBefore: null,
    cursorsAfter: null,
    ...overrides,
  };
}

describe('renderSummary', () => {
  it('renders a stopped run with errors, remaining work and cursor details', () => {
    const text = renderSummary(manifest(), {
      shard: '1/2',
      cursor: { from: 'cache', key: 'bbsync-v1-0123456789abcdef-1000-1' },
      artifact: { name: 'bbsync-shard-1-of-2', id: 17 },
      cursorSave: { saved: true, key: 'bbsync-v1-0123456789abcdef-1001-1' },
    });
    expect(text).toMatchSnapshot();
  });

  it('renders a complete first sync, and an upload failure', () => {
    const complete = manifest({ status: 'complete', stopReason: undefined, errors: [], remaining: [], absences: [] });
    const text = renderSummary(complete, {
      cursor: { from: 'none', reason: 'no cursor cached under bbsync-v1-0123456789abcdef-' },
      startDate: '2026-01-01T00:00:00.000Z',
      artifact: { name: 'bbsync', error: 'CreateArtifact: response from backend was not ok' },
      cursorSave: { saved: false, reason: 'the artifact was not uploaded' },
      chart: false,
    });
    expect(text).toMatchSnapshot();
  });

  it('stays small with very many errors', () => {
    const errors = Array.from({ length: 50_000 }, (_, i) => ({ stream: 'pull_requests', partition: `acme/repo-${i}`, code: 'not_found', status: 404, message: 'x'.repeat(500), hint: 'gone' }));
    const text = renderSummary(manifest({ errors }));
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_SUMMARY_BYTES);
    expect(text).toContain('… and 49,970 more in manifest.json.');
  });

  it('renders a partial run: a table of what failed, that the next run retries it first, and the errors', () => {
    const partial = manifest({
      status: 'partial',
      stopReason: 'pull_requests failed in 2 of 42 partitions (invalid_permissions, server_error)',
      failures: [{ stream: 'pull_requests', failed: 2, done: 40, codes: ['invalid_permissions', 'server_error'] }],
      remaining: [],
    });
    const text = renderSummary(partial, { chart: false });
    expect(text).toContain('## bbsync cloud: ⚠️ partial');
    expect(text).toContain('### Partial: some partitions failed: pull_requests failed in 2 of 42 partitions (invalid_permissions, server_error)');
    expect(text).toContain('| `pull_requests` | 2 | 40 | `invalid_permissions`, `server_error` |  |');
    expect(text).toContain('**the next run retries them first**');
    expect(text).toContain('### Errors (2)');
  });

  it('renders a failed repository listing as such', () => {
    const failed = manifest({
      status: 'failed',
      stopReason: 'the repositories listing failed (server_error): the streams that depend on it did not run over every partition',
      failures: [{ stream: 'repositories', failed: 1, done: 0, codes: ['server_error'], whole: 'listing' }],
      remaining: [],
    });
    const text = renderSummary(failed, { chart: false });
    expect(text).toContain('## bbsync cloud: ❌ failed');
    expect(text).toContain('| `repositories` | 1 | 0 | `server_error` | the listing failed |');
  });
});
