/**
 * The pull request listing's cursor against a scripted server (what the simulator cannot script: pull requests
 * deleted or updated between two pages of one listing): a stopped listing continues without skipping, and a
 * pull request updated while the listing is read is caught by the next run.
 */
import { describe, expect, it } from 'vitest';
import type { ApiClient, ApiRequest, ApiResponse } from '@bbsync/core';
import { parseDataCenterConfig } from '../config.js';
import { runDirect } from '../test-support/direct-context.js';
import { pullRequestsStream, type PullRequestsCursor } from './pull-requests.js';

interface FakePullRequest {
  id: number;
  version: number;
  createdDate: number;
  updatedDate: number;
  state: 'OPEN' | 'MERGED';
}

/** A server with one repository's pull requests, NEWEST by `order`; children are empty. `onPage` runs after each listing page. */
function fakeServer(order: 'created' | 'updated', pullRequests: FakePullRequest[], onPage: (start: number) => void = () => undefined) {
  let requests = 0;
  const page = <T>(values: T[], start: number, limit: number) => {
    const items = values.slice(start, start + limit);
    const isLastPage = start + items.length >= values.length;
    return { values: items, start, limit, size: items.length, isLastPage, ...(isLastPage ? {} : { nextPageStart: start + items.length }) };
  };
  const client: ApiClient = {
    baseUrl: new URL('https://dc.example/rest/api/1.0'),
    stats: () => ({ requests, retries: 0, rateLimitWaitMs: 0, rateLimited: 0, byCredential: [], byStatus: {} }),
    async request<T>(request: ApiRequest): Promise<ApiResponse<T>> {
      requests += 1;
      const start = Number(request.query?.start ?? 0);
      const limit = Number(request.query?.limit ?? 25);
      const key = order === 'created' ? 'createdDate' : 'updatedDate';
      const body = request.url.endsWith('/pull-requests')
        ? page([...pullRequests].sort((a, b) => b[key] - a[key] || b.id - a.id), start, limit)
        : page([], start, limit);
      if (request.url.endsWith('/pull-requests')) onPage(start);
      return { status: 200, headers: {}, body: body as T, path: request.url, credentialIndex: 0 };
    },
  };
  return client;
}

const config = parseDataCenterConfig({ baseUrl: 'https://dc.example', rateLimit: false, pageSize: 3 });
const partition = { key: '1', name: 'P/r' };

function pullRequests(count: number): FakePullRequest[] {
  return Array.from({ length: count }, (_, index) => ({ id: index + 1, version: 0, createdDate: 1000 + index * 10, updatedDate: 1000 + index * 10, state: 'MERGED' }));
}

describe.each(['created', 'updated'] as const)('pull request listings (NEWEST by %s date)', (order) => {
  it('a stopped first sync continues after pull requests were deleted, created and updated, skipping none', async () => {
    const data = pullRequests(20);
    const client = fakeServer(order, data);
    // Stopped at the fourth checkpoint: three pages (ids 20..12, newest first) written and durable.
    const cursor = (await checkpointsOf(client, 3)).at(-1) as PullRequestsCursor;
    expect(cursor.walk?.next).toBe(9);

    // Meanwhile every pull request already read is deleted (so no anchor is met again), an unread one is
    // updated and one is created: the listing is read again from the start.
    for (const id of [20, 19, 18, 17, 16, 15, 14, 13, 12]) data.splice(data.findIndex((p) => p.id === id), 1);
    Object.assign(data.find((p) => p.id === 3) as FakePullRequest, { version: 1, updatedDate: 5000 });
    data.push({ id: 21, version: 0, createdDate: 6000, updatedDate: 6000, state: 'OPEN' });
    const second = await runDirect({ definition: pullRequestsStream, client, config, partition, cursor });
    expect([...(second.records.get('pull_requests')?.keys() ?? [])].sort()).toEqual(data.map((p) => `1:${p.id}`).sort());
    expect((second.records.get('pull_requests')?.get('1:3') as FakePullRequest).version).toBe(1);
    expect(second.notes.some((note) => note.startsWith('full_resync'))).toBe(true);
    expect(second.cursor?.walk).toBeUndefined();

    const idle = await runDirect({ definition: pullRequestsStream, client, config, partition, cursor: second.cursor });
    expect(idle.records.size).toBe(0);
  });

  it('a stopped listing continues where it stopped when nothing moved', async () => {
    const data = pullRequests(20);
    const client = fakeServer(order, data);
    const checkpoints = await checkpointsOf(client, 2);
    const cursor = checkpoints.at(-1) as PullRequestsCursor;
    const second = await runDirect({ definition: pullRequestsStream, client, config, partition, cursor });
    // Ids 20..15 were durable before the stop; the rest are read once, continuing at the checkpoint.
    expect([...(second.records.get('pull_requests')?.keys() ?? [])].sort()).toEqual(data.filter((p) => p.id <= 14).map((p) => `1:${p.id}`).sort());
    expect(cursor.walk?.next).toBe(6);
    expect(second.notes).toEqual([]);
  });

  it('a pull request updated while the listing is read is caught by the next run', async () => {
    const data = pullRequests(12);
    // Once the second page was served, the newest pull request (already read) and an old one (not yet read) are
    // updated; the old one is read later in this listing with the newer date.
    let moved = false;
    const client = fakeServer(order, data, (start) => {
      if (start !== 3 || moved) return;
      moved = true;
      // A comment: a later `updatedDate`, the same `version`.
      Object.assign(data.find((p) => p.id === 12) as FakePullRequest, { updatedDate: 7000 });
      Object.assign(data.find((p) => p.id === 2) as FakePullRequest, { version: 1, updatedDate: 7001 });
    });
    const first = await runDirect({ definition: pullRequestsStream, client, config, partition });
    const next = await runDirect({ definition: pullRequestsStream, client, config, partition, cursor: first.cursor });
    const latest = new Map([...(first.records.get('pull_requests') ?? []), ...(next.records.get('pull_requests') ?? [])]);
    for (const pullRequest of data) expect(latest.get(`1:${pullRequest.id}`), `#${pullRequest.id}`).toEqual(expect.objectContaining(pullRequest));
    const idle = await runDirect({ definition: pullRequestsStream, client, config, partition, cursor: next.cursor });
    expect(idle.records.size).toBe(0);
  });
});

/** Runs a first sync that stops at checkpoint number `stopAt` and returns the checkpoints it made. */
async function checkpointsOf(client: ApiClient, stopAt: number): Promise<unknown[]> {
  const checkpoints: unknown[] = [];
  const definition = {
    ...pullRequestsStream,
    read: (ctx: Parameters<typeof pullRequestsStream.read>[0], p: Parameters<typeof pullRequestsStream.read>[1]) =>
      pullRequestsStream.read(
        {
          ...ctx,
          checkpoint: async (cursor) => {
            await ctx.checkpoint(cursor);
            checkpoints.push(cursor);
          },
        },
        p,
      ),
  };
  await expect(runDirect({ definition, client, config, partition, stopAfterCheckpoints: stopAt })).rejects.toThrow('stopped by the test');
  return checkpoints;
}
