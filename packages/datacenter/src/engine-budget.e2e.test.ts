/**
 * Runs stopped by `budgets.maxRequests` through core's real engine against the Data Center simulator: resumed
 * until complete, their merged folders equal one clean run and the ground truth, with and without activity
 * between them, and every stopped run keeps checkpointed work.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunManifest } from '@bbsync/core';
import { busy, expectComplete, expectTruth, selector, type Repository } from './test-support/e2e-expectations.js';
import { keysOf, readFolder, startEngineHarness, type EngineHarness } from './test-support/engine-harness.js';

let harness: EngineHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('runs stopped by budgets.maxRequests', () => {
  it('resumed until complete, merge to the same dataset as one clean run', async () => {
    // pageSize 3: first commit walks (every 10 pages) and pull request listings (every page) checkpoint
    // mid-partition, so a stopped run keeps part of a partition's work. One partition at a time, so which
    // partitions a budget interrupts is deterministic.
    const h = (harness = await startEngineHarness({ config: { pageSize: 3 } }));
    const stopped: RunManifest[] = [];
    let last: RunManifest | undefined;
    for (let attempt = 0; attempt < 40; attempt++) {
      last = (await h.run({ maxRequests: 80, concurrency: 1 })).manifest;
      if (last.status !== 'stopped') break;
      expect(last.stopReason).toContain('maxRequests 80');
      stopped.push(last);
    }
    expect(last?.status).toBe('complete');
    expect(stopped.length).toBeGreaterThanOrEqual(3);
    const committed = (stream: string) => stopped.flatMap((manifest) => Object.values((manifest.cursorsAfter as Record<string, Record<string, object>>)[stream] ?? {}));
    expect(committed('pull_requests').some((cursor) => 'walk' in cursor)).toBe(true);
    const resumed = await h.snapshot();

    const clean = await h.run({ lane: 'clean' });
    expectComplete(clean.manifest);
    const once = await readFolder(clean.dir);
    expect(keysOf(resumed)).toEqual(keysOf(once));
    expect(resumed).toEqual(once);
    expectTruth(resumed, h.sim.datacenter.groundTruth());
    // Every stopped run kept some work: a repository stream committed a cursor or a checkpoint.
    const progress = (manifest: RunManifest, side: 'cursorsBefore' | 'cursorsAfter') =>
      JSON.stringify(['commits', 'pull_requests'].map((stream) => (manifest[side] as Record<string, unknown>)[stream] ?? {}));
    for (const manifest of stopped) expect(progress(manifest, 'cursorsAfter')).not.toBe(progress(manifest, 'cursorsBefore'));
  });
});

describe('a first commit walk stopped by budgets.maxRequests', () => {
  it('continues at its checkpoint: the next run reads only the rest of the history', async () => {
    const probe = (harness = await startEngineHarness());
    const truth = probe.sim.datacenter.groundTruth();
    const repository = [...truth.repositories].sort((a, b) => (truth.commits[b.id]?.length ?? 0) - (truth.commits[a.id]?.length ?? 0))[0] as Repository;
    const history = truth.commits[repository.id] ?? [];
    await probe.close();
    expect(history.length).toBeGreaterThan(26);

    // Two commits a page: the walk checkpoints after page 10 (20 commits).
    const h = (harness = await startEngineHarness({ config: { pageSize: 2, repositories: { include: [`${repository.project.key}/${repository.slug}`] } } }));
    const streams = ['commits'];
    const repositoryPages = Math.ceil(truth.repositories.length / 2);
    // The repository listing, the default branch, then 12 pages: with no grace, stopped while writing the 12th.
    const first = await h.run({ streams, maxRequests: repositoryPages + 1 + 12, graceRequests: 0 });
    expect(first.manifest.status).toBe('stopped');
    const cursor = (first.manifest.cursorsAfter as Record<string, Record<string, { backfill?: { start: number } }>>).commits?.[String(repository.id)];
    expect(cursor?.backfill?.start).toBe(20);
    expect((await readFolder(first.dir)).get('commits')?.size).toBe(20);

    const second = await h.run({ streams });
    expectComplete(second.manifest);
    // The rest of the history from offset 20, and the default branch: nothing read twice.
    expect(second.byEndpoint['/projects/{projectKey}/repos/{repositorySlug}/commits']).toBe(Math.ceil((history.length - 20) / 2));
    const merged = await h.snapshot();
    expect([...(merged.get('commits')?.keys() ?? [])].sort()).toEqual(history.map((commit) => `${repository.id}:${commit.id}`).sort());
  });
});

describe.each(['updated', 'created'] as const)('runs stopped by budgets.maxRequests, with activity between them (NEWEST by %s date)', (newestOrderBy) => {
  it('merge to the new ground truth once a run completes', async () => {
    const h = (harness = await startEngineHarness({ newestOrderBy, config: { pageSize: 3 } }));
    const control = h.sim.datacenter.control;
    const truth = h.sim.datacenter.groundTruth();
    const repositories = busy(truth, 7, 3);
    let status: RunManifest['status'] | undefined;
    for (let attempt = 0; attempt < 40 && status !== 'complete'; attempt++) {
      status = (await h.run({ maxRequests: 80 })).manifest.status;
      // Pull requests created and updated (moving to the front of a NEWEST listing) under stopped listings.
      const repository = repositories[attempt % repositories.length] as Repository;
      const pullRequests = truth.pullRequests[repository.id] ?? [];
      h.sim.advance(60_000);
      control.openPullRequest({ ...selector(repository), title: `work ${attempt}` });
      h.sim.advance(60_000);
      control.commentPullRequest({ ...selector(repository), id: (pullRequests[attempt % pullRequests.length] as { id: number }).id, text: `note ${attempt}` });
      h.sim.advance(60_000);
      control.pushCommits({ ...selector(repository), count: 2 });
    }
    expect(status).toBe('complete');
    const last = await h.run();
    expectComplete(last.manifest);
    expectTruth(await h.snapshot(), h.sim.datacenter.groundTruth());
  });
});
