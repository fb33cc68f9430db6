/**
 * Request counts, from the simulator's own counters (the metric: Cloud allows about 1,000 requests per hour).
 * - A run where nothing changed: per repository the pull request listing, the activity feed and the pipelines
 *   page (commits are skipped by the idle gate); fewer or more where the settings say so (README "Request
 *   counts" says why 3 is the least that is sound with the defaults).
 * - A full sync: no more than 5% above the floor = the sum over every listing of max(1, ceil(items / largest
 *   page)) plus the unavoidable single GETs (the source tips of pull requests whose branch is gone).
 */
import type { SimSwitches } from '@bbsync/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { differences, expectedRecords, startHarness, type Harness } from './testing/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const HOUR = 3_600_000;

describe('a run where nothing changed', () => {
  it.each<{ name: string; switches: Partial<SimSwitches>; config: Record<string, unknown>; perRepository: number }>([
    { name: 'defaults', switches: {}, config: {}, perRepository: 3 },
    { name: 'activity known to bump updated_on', switches: {}, config: { activityBumpsPullRequestUpdatedOn: true }, perRepository: 2 },
    { name: 'the feed known to cover every update', switches: {}, config: { activityFeedCoversPullRequestUpdates: true }, perRepository: 2 },
    {
      name: 'the feed known to cover every update, comments not bumping updated_on',
      switches: { commentsBumpPullRequestUpdatedOn: false },
      config: { activityFeedCoversPullRequestUpdates: true },
      perRepository: 2,
    },
    {
      name: 'pull requests bump the repository (activity may not bump pull requests)',
      switches: { repositoryUpdatedOnBumpedBy: 'pushes_and_pull_requests' },
      config: { repositoryUpdatedOnBumpedBy: 'pushes_and_pull_requests' },
      perRepository: 2,
    },
    {
      name: 'pull requests bump the repository, activity bumps pull requests',
      switches: { repositoryUpdatedOnBumpedBy: 'pushes_and_pull_requests' },
      config: { repositoryUpdatedOnBumpedBy: 'pushes_and_pull_requests', activityBumpsPullRequestUpdatedOn: true },
      perRepository: 1,
    },
    { name: 'nothing bumps the repository', switches: { repositoryUpdatedOnBumpedBy: 'nothing' }, config: { repositoryUpdatedOnBumpedBy: 'nothing' }, perRepository: 4 },
    {
      name: 'nothing bumps the repository, activity bumps pull requests',
      switches: { repositoryUpdatedOnBumpedBy: 'nothing' },
      config: { repositoryUpdatedOnBumpedBy: 'nothing', activityBumpsPullRequestUpdatedOn: true },
      perRepository: 3,
    },
  ])('$name: $perRepository requests per repository plus the listings', async ({ switches, config, perRepository }) => {
    const h = (harness = await startHarness({ size: 'tiny', switches, config }));
    await h.run();
    h.sim.cloud.control.advance(HOUR);
    const idle = await h.run();
    expect(idle.manifest.status).toBe('complete');
    const repositories = h.sim.cloud.control.repositories().length;
    // One page of repositories and one of members (tiny: 3 repositories, 5 members).
    expect(idle.requests, JSON.stringify(idle.byEndpoint)).toBe(2 + perRepository * repositories);
    // And again after activity settled: the same.
    h.sim.cloud.control.pushCommits(h.sim.cloud.control.repositories()[0] as string, { count: 1 });
    await h.run();
    h.sim.cloud.control.advance(HOUR);
    expect((await h.run()).requests).toBe(2 + perRepository * repositories);
  });
});

describe('the defaults', () => {
  it('need all three requests per repository: each one alone sees some change', async () => {
    const h = (harness = await startHarness({ size: 'tiny', switches: { commentsBumpPullRequestUpdatedOn: false } }));
    const control = h.sim.cloud.control;
    const [a, b, c] = control.repositories() as [string, string, string];
    const commented = control.openPullRequest(a, { author: 1, commits: 1 });
    const withdrawn = control.openPullRequest(b, { author: 1, reviewers: [0], commits: 1 });
    control.approvePullRequest(b, withdrawn, 0);
    await h.run();
    control.advance(HOUR);
    // a: a comment that bumps nothing; only the activity feed shows it.
    control.commentOnPullRequest(a, commented, { text: 'only the feed shows this' });
    // b: a withdrawn approval that bumps the pull request's updated_on (not the repository's); it leaves no
    // feed item, so only the pull request listing shows it.
    control.setSwitches({ commentsBumpPullRequestUpdatedOn: true });
    control.unapprovePullRequest(b, withdrawn, 0);
    // c: a manual pipeline bumps nothing; only the pipelines listing shows it.
    control.startPipeline(c, { trigger: 'MANUAL' });
    control.advance(60_000);
    const run = await h.run();
    // The listings, 3 per repository, and the row of a's pull request (found through the feed).
    expect(run.requests, JSON.stringify(run.byEndpoint)).toBe(2 + 3 * 3 + 1);
    const snapshot = await h.snapshot();
    const expected = expectedRecords(h.sim.cloud.groundTruth(), h.config);
    for (const stream of ['pull_requests', 'pull_request_activity', 'pull_request_comments', 'pipelines']) {
      expect(differences(snapshot.get(stream), expected.get(stream)).slice(0, 3), stream).toEqual([]);
    }
  });
});

describe('a full sync', () => {
  it('stays within 5% of the floor', async () => {
    const h = (harness = await startHarness({ size: 'small' }));
    const { requests, byEndpoint, manifest } = await h.run();
    expect(manifest.status).toBe('complete');
    const truth = h.sim.cloud.groundTruth();
    const pages = (items: number, size: number) => Math.max(1, Math.ceil(items / size));
    let floor = pages(truth.repositories.length, 100) + pages(truth.members.length, 100);
    for (const repository of truth.repositories) {
      const uuid = repository.uuid as string;
      const pullRequests = truth.pullrequests[uuid] ?? [];
      floor += pages(truth.commits[uuid]?.length ?? 0, 100) + pages(pullRequests.length, 50) + pages(truth.pipelines[uuid]?.length ?? 0, 100);
      const activity = pullRequests.reduce((sum, pr) => sum + (truth.activity[`${uuid}#${String(pr.id)}`]?.length ?? 0), 0);
      floor += pages(activity, 50);
      for (const pr of pullRequests) {
        const commits = truth.prCommits[`${uuid}#${String(pr.id)}`]?.length ?? 0;
        floor += pages(commits, 100);
        // The source tip of a pull request whose branch is gone is only available from /commit/{sha}, unless it
        // comes from a fork (the tip lives there, and is never looked up here).
        const fromFork = (pr.source as { repository: { uuid: string } }).repository.uuid !== (pr.destination as { repository: { uuid: string } }).repository.uuid;
        if (commits === 0 && !fromFork) floor += 1;
      }
    }
    console.log(`full sync: ${requests} requests, floor ${floor}`);
    expect(requests, `floor ${floor}: ${JSON.stringify(byEndpoint)}`).toBeLessThanOrEqual(Math.floor(floor * 1.05));
  });
});

describe('pushes', () => {
  it('a fast-forward costs one request; a force-push two (the range, then the walk back to known commits)', async () => {
    const h = (harness = await startHarness({ size: 'tiny' }));
    await h.run();
    const control = h.sim.cloud.control;
    const [a, b] = control.repositories() as [string, string];
    control.advance(HOUR);
    control.pushCommits(a, { count: 3 });
    control.forcePush(b, { drop: 2, add: 1 });
    const run = await h.run();
    const commits = (slug: string) => h.sim.cloud.requestLog().filter((entry) => entry.endpoint.endsWith('/commits') && entry.path.includes(`/${slug}/`)).length;
    expect(commits(a), JSON.stringify(run.byEndpoint)).toBe(1);
    expect(commits(b)).toBe(2);
  });
});
