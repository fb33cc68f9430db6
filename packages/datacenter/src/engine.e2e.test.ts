/**
 * The connector end to end through core's real engine: `runSync` with a `FileStateStore`, real HTTP against the
 * Data Center simulator, real run folders folded with `mergeRuns` and read with `readRecords`. What a merged
 * snapshot holds must equal the simulator's ground truth exactly (every record, not only keys), after a full
 * sync and after scripted activity caught up incrementally (under both undocumented NEWEST orders), and after
 * repositories are deleted (partition tombstones). Runs stopped by budgets: ./engine-budget.e2e.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLogger, shardOf } from '@bbsync/core';
import { DATA_CENTER_STREAM_NAMES } from './outputs.js';
import { USERS_DEGRADED_WARNING } from './streams/users.js';
import { busy, deletionMarkers, expectComplete, expectTruth, keysOfRepository, selector, type Repository } from './test-support/e2e-expectations.js';
import { expectedRecords, keysOf, readFolder, startEngineHarness, type EngineHarness } from './test-support/engine-harness.js';
import { loadSchema, validate } from './test-support/json-schema.js';

let harness: EngineHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe.each(['updated', 'created'] as const)('through runSync (NEWEST sorts by %s date)', (newestOrderBy) => {
  it('a full sync equals the ground truth; scripted activity merges to the new truth; an idle run costs <= 2 requests per repository', async () => {
    const pageSize = 7;
    const h = (harness = await startEngineHarness({ newestOrderBy, config: { pageSize } }));
    const control = h.sim.datacenter.control;
    const first = await h.run();
    expectComplete(first.manifest);
    expectTruth(await readFolder(first.dir), h.sim.datacenter.groundTruth());

    const truth = h.sim.datacenter.groundTruth();
    const [pushed, rewritten, rewrittenKept, switched, deleted] = busy(truth, 7) as [Repository, Repository, Repository, Repository, Repository];
    const step = () => h.sim.advance(60_000);
    step();
    control.pushCommits({ ...selector(pushed), count: 3, merge: true });
    step();
    // A force-push whose dropped commits are garbage collected: the old tip answers 404, recovery walks back.
    control.forcePush({ ...selector(rewritten), drop: 2, add: 1 });
    step();
    control.forcePush({ ...selector(rewrittenKept), drop: 2, add: 2, keepObjects: true });
    step();
    // The default branch switched to an older branch: nothing new to list, yet commits left the history.
    control.createBranch({ ...selector(switched), branch: 'older', from: (truth.commits[switched.id] ?? [])[3]?.id as string });
    control.setDefaultBranch({ ...selector(switched), branch: 'older' });
    for (const repository of busy(truth, 0, 3).slice(0, 3)) {
      const pullRequests = [...(truth.pullRequests[repository.id] ?? [])].sort((a, b) => a.createdDate - b.createdDate);
      const oldest = pullRequests[0];
      if (oldest === undefined) continue;
      step();
      const comment = control.commentPullRequest({ ...selector(repository), id: oldest.id, text: 'a late comment on the oldest one' });
      step();
      control.commentPullRequest({ ...selector(repository), id: oldest.id, edit: comment.id, text: 'edited' });
      const open = pullRequests.find((p) => p.state === 'OPEN');
      if (open === undefined) continue;
      step();
      control.updatePullRequest({ ...selector(repository), id: open.id, title: 'renamed', pushCommits: 1 });
      step();
      control.approvePullRequest({ ...selector(repository), id: open.id, user: truth.users[0]?.slug as string });
      step();
      control.mergePullRequest({ ...selector(repository), id: open.id });
    }
    step();
    control.openPullRequest({ ...selector(pushed), title: 'new work' });
    step();
    const created = control.createRepository({ projectKey: pushed.project.key, name: 'brand-new', commits: 4 });
    step();
    control.deleteRepository(selector(deleted));

    const second = await h.run();
    expectComplete(second.manifest);
    const now = h.sim.datacenter.groundTruth();
    const merged = await h.snapshot([first.dir, second.dir]);
    expectTruth(merged, now);
    expect(keysOfRepository(merged, deleted.id)).toEqual([]);
    expect(merged.get('commits')?.has(`${created.id}:${(now.commits[created.id] ?? [])[0]?.id}`)).toBe(true);
    // Commits that left a default branch (force-pushes, the switch to an older branch) are deletion markers of
    // the run itself: exactly those, the deleted repository's records being dropped by its tombstone instead.
    const left = [...keysOf(expectedRecords(truth)).commits ?? []].filter((key) => !merged.get('commits')?.has(key) && !key.startsWith(`${deleted.id}:`));
    expect(left.length).toBeGreaterThanOrEqual(4);
    expect((await deletionMarkers(second.dir)).filter((key) => key.startsWith('commits:')).sort()).toEqual(left.map((key) => `commits:${key}`).sort());

    // Nothing changed: the listing pages, then per repository its default branch (which names the tip) and
    // the pull request listing: one page when NEWEST is proven to sort by updated date (it stops at the
    // cursor), else the whole listing (one page at the default `limit=1000`; ceil(n / 7) pages here).
    const idle = await h.run();
    expectComplete(idle.manifest);
    const repositories = now.repositories;
    const pages = (items: number) => Math.max(1, Math.ceil(items / pageSize));
    const pullRequestPages =
      newestOrderBy === 'updated' ? repositories.length : repositories.reduce((sum, r) => sum + pages(now.pullRequests[r.id]?.length ?? 0), 0);
    expect(idle.byEndpoint).toEqual({
      '/projects': pages(now.projects.length),
      '/users': pages(now.users.length),
      '/repos': pages(repositories.length),
      '/projects/{projectKey}/repos/{repositorySlug}/branches/default': repositories.length,
      '/projects/{projectKey}/repos/{repositorySlug}/pull-requests': pullRequestPages,
    });
    const listingPages = pages(now.projects.length) + pages(now.users.length) + pages(repositories.length);
    if (newestOrderBy === 'updated') expect(idle.requests).toBeLessThanOrEqual(listingPages + 2 * repositories.length);
    expect(idle.requests).toBe(idle.manifest.requests.total);
    expect(Object.values(idle.manifest.streams).reduce((sum, counts) => sum + counts.records + counts.deleted, 0)).toBe(
      // Workspace listings are rewritten whole every run; repository streams wrote nothing.
      now.projects.length + now.users.length + repositories.length,
    );
    expectTruth(await h.snapshot(), now);
  });
});

describe('deleted repositories (partition tombstones)', () => {
  it('a deleted repository leaves the merged dataset in every stream, and its cursors leave the state', async () => {
    const h = (harness = await startEngineHarness({ config: { pageSize: 25 } }));
    const first = await h.run();
    expectComplete(first.manifest);
    const truth = h.sim.datacenter.groundTruth();
    const doomed = truth.repositories.find((r) => Object.keys(truth.prCommits).some((pair) => pair.startsWith(`${r.id}/`)) && (truth.commits[r.id]?.length ?? 0) > 0);
    if (doomed === undefined) throw new Error('the dataset has no repository with commits and pull request commits');
    const before = keysOfRepository(await h.snapshot([first.dir]), doomed.id);
    // Every repository stream a default run syncs (the opt-in ones are not selected).
    for (const stream of DATA_CENTER_STREAM_NAMES.filter((name) => !['projects', 'users', 'pull_request_events', 'deployments'].includes(name))) {
      expect(before.some((key) => key.startsWith(`${stream}:`)), stream).toBe(true);
    }

    h.sim.datacenter.control.deleteRepository(selector(doomed));
    const second = await h.run();
    expectComplete(second.manifest);
    expect(second.manifest.streams.repositories?.deleted).toBe(1);
    // Confirmed with one GET of the repository (404) before the marker was written.
    expect(second.byEndpoint['/projects/{projectKey}/repos/{repositorySlug}']).toBe(1);
    const state = await h.state();
    expect(state.get('commits', String(doomed.id))).toBeUndefined();
    expect(state.get('pull_requests', String(doomed.id))).toBeUndefined();

    const merged = await h.snapshot([first.dir, second.dir]);
    expect(keysOfRepository(merged, doomed.id)).toEqual([]);
    expectTruth(merged, h.sim.datacenter.groundTruth());
  });

  it('is tombstoned when only repository streams are selected', async () => {
    const h = (harness = await startEngineHarness({ config: { pageSize: 25 } }));
    const streams = ['commits', 'pull_requests'];
    const first = await h.run({ streams });
    const truth = h.sim.datacenter.groundTruth();
    const doomed = busy(truth, 1, 1)[0] as Repository;
    expect(keysOfRepository(await readFolder(first.dir), doomed.id).length).toBeGreaterThan(0);

    h.sim.datacenter.control.deleteRepository(selector(doomed));
    const second = await h.run({ streams });
    expectComplete(second.manifest);
    const merged = await h.snapshot([first.dir, second.dir]);
    expect(keysOfRepository(merged, doomed.id)).toEqual([]);
    expect(merged.get('commits')?.size).toBe(Object.values(h.sim.datacenter.groundTruth().commits).reduce((sum, commits) => sum + commits.length, 0));
  });

  it('is tombstoned when another shard owns its partitions (shard 1 writes every workspace output)', async () => {
    const h = (harness = await startEngineHarness({ config: { pageSize: 25 } }));
    const shards = [1, 2].map((index) => ({ index, count: 2 }));
    const firstRound = [];
    for (const shard of shards) firstRound.push(await h.run({ shard, lane: `shard-${shard.index}` }));
    for (const { manifest } of firstRound) expectComplete(manifest);
    expectTruth(await h.snapshot(), h.sim.datacenter.groundTruth());

    const truth = h.sim.datacenter.groundTruth();
    const doomed = busy(truth, 1, 1).find((r) => shardOf(String(r.id), 2) === 2);
    if (doomed === undefined) throw new Error('no busy repository on shard 2');
    h.sim.datacenter.control.deleteRepository(selector(doomed));
    for (const shard of shards) expectComplete((await h.run({ shard, lane: `shard-${shard.index}` })).manifest);

    const merged = await h.snapshot();
    expect(keysOfRepository(merged, doomed.id)).toEqual([]);
    expectTruth(merged, h.sim.datacenter.groundTruth());
  });
});

describe('what a run records besides records', () => {
  it('an empty repository (204) and gone pull request commits (404) are absences in the manifest', async () => {
    const h = (harness = await startEngineHarness());
    const control = h.sim.datacenter.control;
    const empty = control.createRepository({ projectKey: h.sim.datacenter.groundTruth().projects[0]?.key as string, name: 'empty-one' });
    const truth = h.sim.datacenter.groundTruth();
    const repository = truth.repositories.find((r) => (truth.pullRequests[r.id] ?? []).some((p) => p.state === 'OPEN')) as Repository;
    const open = (truth.pullRequests[repository.id] ?? []).find((p) => p.state === 'OPEN');
    if (open === undefined) throw new Error('no open pull request');
    control.mergePullRequest({ ...selector(repository), id: open.id });
    control.updatePullRequest({ ...selector(repository), id: open.id, rewriteSource: true });
    const { manifest, dir } = await h.run();
    expectComplete(manifest);
    expect(manifest.absences).toContainEqual({ stream: 'commits', partition: `${empty.project.key}/${empty.slug}`, what: 'empty repository (no default branch commits)', status: 204 });
    expect(manifest.absences).toContainEqual({ stream: 'pull_requests', partition: `${repository.project.key}/${repository.slug}`, what: `pull request ${open.id} commits`, status: 404 });
    expectTruth(await readFolder(dir), h.sim.datacenter.groundTruth());
  });

  it('a project access token cannot list users: the stream degrades to an absence and a warning, the run completes', async () => {
    const h = (harness = await startEngineHarness({ credential: 'projectToken' }));
    const logger = new MemoryLogger();
    const { manifest, dir } = await h.run({ logger });
    expectComplete(manifest);
    expect(manifest.absences).toContainEqual({ stream: 'users', partition: 'workspace', what: 'users (not visible to this credential)', status: 401 });
    expect(logger.entries.some((entry) => entry.level === 'warn' && entry.message === USERS_DEGRADED_WARNING)).toBe(true);
    const records = await readFolder(dir);
    expect(records.get('users')?.size ?? 0).toBe(0);
    expect(records.get('pull_requests')?.size).toBeGreaterThan(0);
  });

  it('every record of a run matches schemas/<stream>.json', async () => {
    const h = (harness = await startEngineHarness());
    // Every stream, the opt-in ones too.
    const records = await readFolder((await h.run({ streams: [...DATA_CENTER_STREAM_NAMES] })).dir);
    for (const stream of DATA_CENTER_STREAM_NAMES) {
      const schema = loadSchema(stream);
      const written = [...(records.get(stream)?.values() ?? [])];
      expect(written.length, stream).toBeGreaterThan(0);
      for (const record of written) expect(validate(schema, record), `${stream} ${JSON.stringify(record).slice(0, 200)}`).toEqual([]);
    }
  });
});

