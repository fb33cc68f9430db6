/**
 * The connector against the simulator: real HTTP, the real engine, real run folders merged by core. A full
 * sync must equal the ground truth (sets of records by primary key, each record equal to the truth projected
 * on the stored fields), and so must an incremental run after scripted activity, merged over the earlier runs.
 */
import { DELETED_PARTITIONS_STREAM } from '@bbsync/core';
import type { SimSwitches } from '@bbsync/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { differences, expectedRecords, startHarness, type Harness, type Records } from './testing/harness.js';

const STREAMS = ['repositories', 'workspace_members', 'commits', 'pull_requests', 'pull_request_activity', 'pull_request_comments', 'pull_request_commits', 'pipelines'];
const HOUR = 3_600_000;

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/**
 * Asserts the merged snapshot equals the truth, stream by stream (core's `_deleted_partitions` bookkeeping
 * stream is not compared; `commit_details` has no counterpart in the truth).
 */
async function expectTruth(h: Harness): Promise<Records> {
  const snapshot = await h.snapshot();
  const expected = expectedRecords(h.sim.cloud.groundTruth(), h.config);
  for (const stream of STREAMS) expect.soft(differences(snapshot.get(stream), expected.get(stream)).slice(0, 5), stream).toEqual([]);
  return snapshot;
}

function truthOf(h: Harness) {
  return h.sim.cloud.groundTruth();
}

/** An open pull request of a repository (by slug), from the truth. */
function openPullRequest(h: Harness, slug: string): number | undefined {
  const truth = truthOf(h);
  const repository = truth.repositories.find((r) => r.slug === slug) as { uuid: string };
  return (truth.pullrequests[repository.uuid] ?? []).find((pr) => pr.state === 'OPEN')?.id as number | undefined;
}

describe('full sync', () => {
  it('equals the ground truth', async () => {
    harness = await startHarness({ size: 'tiny' });
    const { manifest } = await harness.run();
    expect(manifest.status, JSON.stringify(manifest.errors)).toBe('complete');
    await expectTruth(harness);
  });
});

const SMALL_PAGES = { repositories: 2, members: 2, pullRequests: 2, activity: 3, comments: 2, commits: 5, pipelines: 2 };

describe.each<{ name: string; switches: Partial<SimSwitches>; config?: Record<string, unknown> }>([
  { name: 'comments bump updated_on', switches: { commentsBumpPullRequestUpdatedOn: true } },
  { name: 'comments do not bump updated_on', switches: { commentsBumpPullRequestUpdatedOn: false } },
  {
    name: 'pull requests bump the repository',
    switches: { repositoryUpdatedOnBumpedBy: 'pushes_and_pull_requests' },
    config: { repositoryUpdatedOnBumpedBy: 'pushes_and_pull_requests', activityBumpsPullRequestUpdatedOn: true },
  },
  { name: 'nothing bumps the repository', switches: { repositoryUpdatedOnBumpedBy: 'nothing' }, config: { repositoryUpdatedOnBumpedBy: 'nothing' } },
  {
    name: 'feed covers updates, comments do not bump',
    switches: { commentsBumpPullRequestUpdatedOn: false },
    config: { activityFeedCoversPullRequestUpdates: true },
  },
  { name: 'feed oldest first', switches: { cloudActivityFeedNewestFirst: false, commentsBumpPullRequestUpdatedOn: false }, config: { activityFeedNewestFirst: false } },
  { name: 'tiny pages, rows repeated across pages', switches: { repeatRowAcrossPages: true }, config: { pageSizes: SMALL_PAGES } },
  { name: 'undocumented maxima of 50', switches: { cloudMaxPagelen: { members: 50, comments: 50, commits: 50 } } },
])('incremental run after scripted activity ($name)', ({ switches, config }) => {
  it('merged over the first run, equals the new ground truth', async () => {
    const h = (harness = await startHarness({ size: 'tiny', switches, ...(config ? { config } : {}) }));
    const control = h.sim.cloud.control;
    const [a, b, c] = control.repositories() as [string, string, string];
    const toWithdraw = control.openPullRequest(c, { author: 1, reviewers: [0], commits: 1 });
    control.approvePullRequest(c, toWithdraw, 0);
    expect((await h.run()).manifest.status).toBe('complete');
    const runningPipeline = Object.entries(truthOf(h).pipelines)
      .flatMap(([uuid, pipelines]) => pipelines.map((pipeline) => ({ uuid, pipeline })))
      .find(({ pipeline }) => (pipeline.state as { name: string }).name !== 'COMPLETED');

    control.advance(HOUR);
    control.pushCommits(a, { count: 3 });
    control.forcePush(b, { drop: 2, add: 1 });
    const opened = control.openPullRequest(a, { title: 'A new pull request', commits: 2 });
    control.commentOnPullRequest(a, opened, { text: 'first!' });
    control.approvePullRequest(a, opened);
    control.requestChanges(a, opened);
    const openInC = openPullRequest(h, c);
    if (openInC !== undefined) {
      control.updatePullRequest(c, openInC, { title: 'Renamed title', pushCommits: 1 });
      control.commentOnPullRequest(c, openInC, { text: 'looks good' });
    }
    const openInB = openPullRequest(h, b);
    if (openInB !== undefined) {
      control.approvePullRequest(b, openInB);
      control.commentOnPullRequest(b, openInB, { text: 'a comment that may not bump updated_on' });
    }
    if (switches.commentsBumpPullRequestUpdatedOn !== false) {
      // A withdrawn approval disappears from the activity log (seen when it bumps the pull request).
      control.unapprovePullRequest(c, toWithdraw, 0);
    }
    const mergeable = control.openPullRequest(b, { commits: 1 });
    control.mergePullRequest(b, mergeable);
    const declinable = control.openPullRequest(c, { commits: 1 });
    control.declinePullRequest(c, declinable);
    control.startPipeline(a);
    if (runningPipeline !== undefined) {
      const slug = truthOf(h).repositories.find((r) => r.uuid === runningPipeline.uuid)?.slug as string;
      control.finishPipeline(slug, runningPipeline.pipeline.uuid as string, 'FAILED');
    }
    control.addMember({ displayName: 'Newcomer' });
    control.removeMember(2);
    control.renameRepository(c, 'renamed-repository');
    control.advance(60_000);

    const second = await h.run();
    expect(second.manifest.status, JSON.stringify(second.manifest.errors)).toBe('complete');
    const before = await expectTruth(h);

    // A repository deleted: its record goes, and so does every record of its partition in every stream (core's
    // partition tombstone, keyed like the partition: the repository UUID).
    const deleted = truthOf(h).repositories.find((r) => r.slug === a)?.uuid as string;
    const ofDeleted = (snapshot: Records, stream: string) => [...(snapshot.get(stream)?.values() ?? [])].filter((record) => record.repository_uuid === deleted);
    // It had records in every repository stream (pushes, a pull request with commits, comment and approval, a pipeline).
    for (const stream of STREAMS.slice(2)) expect(ofDeleted(before, stream).length, stream).toBeGreaterThan(0);
    control.deleteRepository(a);
    control.advance(60_000);
    const third = await h.run();
    expect(third.manifest.status, JSON.stringify(third.manifest.errors)).toBe('complete');
    const snapshot = await expectTruth(h);
    expect(snapshot.get('repositories')?.has(deleted)).toBe(false);
    for (const stream of snapshot.keys()) expect(ofDeleted(snapshot, stream), stream).toEqual([]);
    expect(snapshot.get(DELETED_PARTITIONS_STREAM)?.has(deleted)).toBe(true);
  });
});

describe('pull requests that bump the repository', () => {
  it('skip the listing while the repository is unchanged; the feed still finds activity that bumps nothing', async () => {
    const h = (harness = await startHarness({
      size: 'tiny',
      switches: { repositoryUpdatedOnBumpedBy: 'pushes_and_pull_requests', commentsBumpPullRequestUpdatedOn: false },
      config: { repositoryUpdatedOnBumpedBy: 'pushes_and_pull_requests' },
    }));
    const control = h.sim.cloud.control;
    const [a, b, c] = control.repositories() as [string, string, string];
    const quiet = control.openPullRequest(a, { author: 1, reviewers: [2], commits: 1 });
    const edited = control.openPullRequest(b, { author: 1, commits: 1 });
    const toWithdraw = control.openPullRequest(c, { author: 1, reviewers: [0], commits: 1 });
    control.approvePullRequest(c, toWithdraw, 0);
    expect((await h.run()).manifest.status).toBe('complete');
    const listings = (slug: string) => h.sim.cloud.requestLog().filter((entry) => entry.endpoint.endsWith('/pullrequests') && entry.path.includes(`/${slug}/`)).length;

    // a: a comment and an approval that bump neither the pull request nor the repository (only the feed shows
    // them); b: an edit, which bumps the pull request and so the repository; c: nothing.
    control.advance(HOUR);
    control.commentOnPullRequest(a, quiet, { text: 'bumps nothing' });
    control.approvePullRequest(a, quiet, 2);
    control.updatePullRequest(b, edited, { title: 'Edited title' });
    control.advance(60_000);
    expect((await h.run()).manifest.status).toBe('complete');
    expect([listings(a), listings(b), listings(c)]).toEqual([0, 1, 0]);
    await expectTruth(h);

    // Now activity bumps pull requests (and so the repository): a withdrawn approval, which leaves no feed item,
    // is found by the listing the repository's new updated_on lets through.
    control.setSwitches({ commentsBumpPullRequestUpdatedOn: true });
    control.advance(HOUR);
    control.unapprovePullRequest(c, toWithdraw, 0);
    control.advance(60_000);
    expect((await h.run()).manifest.status).toBe('complete');
    expect([listings(a), listings(b), listings(c)]).toEqual([0, 0, 1]);
    await expectTruth(h);
  });
});

describe('data that moves while it is read', () => {
  it.each([{ commentsBumpPullRequestUpdatedOn: true }, { commentsBumpPullRequestUpdatedOn: false }])(
    'a run during changes, then a quiet run, equals the truth (%j)',
    async (switches) => {
      const h = (harness = await startHarness({
        size: 'tiny',
        switches,
        faults: { seed: 7, mutateBetweenPagesRate: 0.6 },
        config: { pageSizes: SMALL_PAGES },
      }));
      const before = JSON.stringify(h.sim.cloud.control.truthIds());
      expect((await h.run()).manifest.status).toBe('complete');
      // The data did move while it was read.
      expect(JSON.stringify(h.sim.cloud.control.truthIds())).not.toBe(before);
      h.sim.cloud.control.setFaults(undefined);
      h.sim.cloud.control.advance(HOUR);
      expect((await h.run()).manifest.status).toBe('complete');
      await expectTruth(h);
    },
  );
});

describe('startDate', () => {
  it('bounds a first sync; later runs are incremental and complete what changed', async () => {
    const h = (harness = await startHarness({ size: 'tiny' }));
    const start = new Date(h.sim.now() - 120 * 86_400_000);
    const first = await h.run({ startDate: start });
    expect(first.manifest.status).toBe('complete');
    const snapshot = await h.snapshot();
    for (const record of snapshot.get('pull_requests')?.values() ?? []) expect(Date.parse(String(record.updated_on))).toBeGreaterThan(start.getTime());
    for (const record of snapshot.get('commits')?.values() ?? []) expect(Date.parse(String(record.date))).toBeGreaterThanOrEqual(start.getTime());

    const control = h.sim.cloud.control;
    const repo = control.repositories()[1] as string;
    control.advance(HOUR);
    const id = control.openPullRequest(repo, { commits: 1 });
    control.commentOnPullRequest(repo, id, { text: 'after the first sync' });
    control.pushCommits(repo, { count: 2 });
    expect((await h.run()).manifest.status).toBe('complete');
    const after = await h.snapshot();
    const comments = [...(after.get('pull_request_comments')?.values() ?? [])].filter((comment) => comment.pull_request_id === id);
    expect(comments.map((comment) => (comment.content as { raw: string }).raw)).toContain('after the first sync');
  });
});

describe('a run stopped early', () => {
  it('loses nothing: the next runs continue from the committed cursors', async () => {
    const h = (harness = await startHarness({ size: 'tiny', config: { pageSizes: SMALL_PAGES } }));
    const stopped = await h.run({ maxRequests: 25 });
    expect(stopped.manifest.status).toBe('stopped');
    expect(stopped.manifest.remaining.length).toBeGreaterThan(0);
    h.sim.cloud.control.advance(HOUR);
    h.sim.cloud.control.pushCommits(h.sim.cloud.control.repositories()[0] as string, { count: 2 });
    let status = 'stopped';
    for (let run = 0; run < 10 && status !== 'complete'; run++) status = (await h.run({ maxRequests: 60 })).manifest.status;
    expect(status).toBe('complete');
    await expectTruth(h);
  });
});

describe('selected streams', () => {
  it('reads only what was asked for, and a stream selected later starts from scratch', async () => {
    const h = (harness = await startHarness({ size: 'tiny' }));
    const only = await h.run({ streams: ['pull_requests'] });
    expect(only.manifest.status).toBe('complete');
    expect(Object.keys(only.byEndpoint).sort()).toEqual([
      'GET /repositories/{ws}',
      'GET /repositories/{ws}/{repo}/pullrequests',
      'GET /repositories/{ws}/{repo}/pullrequests/activity',
    ]);
    h.sim.cloud.control.advance(HOUR);
    expect((await h.run()).manifest.status).toBe('complete');
    await expectTruth(h);

    // A repository deleted while only pull requests are selected: its pull requests leave the dataset at once (its
    // partition is tombstoned), its own row with the next run that writes repositories (the marker is owed).
    const control = h.sim.cloud.control;
    const gone = truthOf(h).repositories[2] as { slug: string; uuid: string };
    control.deleteRepository(gone.slug);
    control.advance(HOUR);
    expect((await h.run({ streams: ['pull_requests'] })).manifest.status).toBe('complete');
    const between = await h.snapshot();
    expect([...(between.get('pull_requests')?.values() ?? [])].filter((pr) => pr.repository_uuid === gone.uuid)).toEqual([]);
    expect(between.get('repositories')?.has(gone.uuid)).toBe(true);
    control.advance(HOUR);
    expect((await h.run()).manifest.status).toBe('complete');
    await expectTruth(h);
  });
});

describe('pipelines still running', () => {
  it('are revisited until they complete, by reading on or by GET, whichever is cheaper', async () => {
    const h = (harness = await startHarness({ size: 'tiny', config: { pageSizes: { pipelines: 2 } } }));
    const control = h.sim.cloud.control;
    const repo = control.repositories()[0] as string;
    const repoUuid = truthOf(h).repositories.find((r) => r.slug === repo)?.uuid as string;
    const running = [1, 2, 3, 4].map(() => control.startPipeline(repo));
    await h.run();
    const pending = (truthOf(h).pipelines[repoUuid] ?? []).filter((p) => (p.state as { name: string }).name !== 'COMPLETED');
    const oldest = Math.min(...pending.map((p) => p.build_number as number));
    const newest = (truthOf(h).pipelines[repoUuid] ?? []).length;
    control.advance(HOUR);
    for (let k = 0; k < 6; k++) control.startPipeline(repo, { trigger: 'MANUAL' });
    for (const uuid of running) control.finishPipeline(repo, uuid, 'SUCCESSFUL');
    await h.run();
    await expectTruth(h);
    const pipelineRequests = () => h.sim.cloud.requestLog().filter((entry) => entry.endpoint.includes('/pipelines') && entry.path.includes(`/${repo}/`));
    // Reading on down to the oldest pipeline still running costs fewer requests than one GET per pending pipeline.
    const pagesDown = Math.ceil((newest + 6 - oldest + 1) / 2);
    expect(pagesDown).toBeLessThan(3 + pending.length);
    expect(pipelineRequests().filter((entry) => entry.endpoint.endsWith('/pipelines/{uuid}'))).toHaveLength(0);
    expect(pipelineRequests()).toHaveLength(pagesDown);

    // Far behind many newer pipelines, the ones still running are fetched one GET each instead.
    const stillRunning = (truthOf(h).pipelines[repoUuid] ?? []).filter((p) => (p.state as { name: string }).name !== 'COMPLETED');
    expect(stillRunning.length).toBeGreaterThan(0);
    control.advance(HOUR);
    for (let k = 0; k < 30; k++) control.startPipeline(repo, { trigger: 'MANUAL' });
    for (const pipeline of (truthOf(h).pipelines[repoUuid] ?? []).slice(-30)) control.finishPipeline(repo, pipeline.uuid as string);
    for (const pipeline of stillRunning) control.finishPipeline(repo, pipeline.uuid as string, 'FAILED');
    await h.run();
    await expectTruth(h);
    // 15 pages of new pipelines; then reading on while that is cheaper, and one GET each for the rest.
    expect(pipelineRequests().filter((entry) => entry.endpoint.endsWith('/pipelines/{uuid}')).length).toBeGreaterThan(0);
    expect(pipelineRequests().length).toBeLessThanOrEqual(15 + stillRunning.length);
  });
});

describe.each(['changes_request', 'changes_requested'] as const)('change requests keyed %s in the activity log', (key) => {
  it('are synced with who asked and when', async () => {
    const h = (harness = await startHarness({ size: 'tiny', switches: { cloudChangesRequestKey: key } }));
    const control = h.sim.cloud.control;
    const slug = control.repositories()[0] as string;
    const id = control.openPullRequest(slug, { author: 1, reviewers: [2], commits: 1 });
    control.advance(1000);
    control.requestChanges(slug, id, 2);
    expect((await h.run({ streams: ['repositories', 'pull_requests', 'pull_request_activity'] })).manifest.status).toBe('complete');
    const uuid = (h.sim.cloud.groundTruth().members[2]?.user as { uuid: string }).uuid;
    const records = [...((await h.snapshot()).get('pull_request_activity')?.values() ?? [])].filter((r) => r.pull_request_id === id);
    const requests = records.map((r) => r[key] as { user?: { uuid?: string }; date?: string } | undefined).filter((r) => r !== undefined);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.user?.uuid).toBe(uuid);
    expect(typeof requests[0]?.date).toBe('string');
  });
});

describe('pull requests from forks', () => {
  it('never look the fork\'s source commits up in the destination repository; their commits come from the pull request', async () => {
    const h = (harness = await startHarness({ size: 'tiny' }));
    const control = h.sim.cloud.control;
    const slug = control.repositories()[0] as string;
    const open = control.openPullRequest(slug, { title: 'Open from a fork', commits: 2, fromFork: true });
    const gone = control.openPullRequest(slug, { title: 'Declined from a fork', commits: 1, fromFork: true });
    control.declinePullRequest(slug, gone, undefined, { closeSourceBranch: true });
    const { manifest } = await h.run();
    expect(manifest.status, JSON.stringify(manifest.errors)).toBe('complete');
    await expectTruth(h);
    const truth = truthOf(h);
    const repository = truth.repositories.find((r) => r.slug === slug) as { uuid: string };
    const tips = [open, gone].map((id) => ((truth.pullrequests[repository.uuid] ?? []).find((p) => p.id === id)?.source as { commit: { hash: string } }).commit.hash);
    const lookups = h.sim.cloud.requestLog().filter((entry) => entry.api === 'cloud' && tips.some((tip) => entry.path.includes(`/commit/${tip}`)));
    expect(lookups).toEqual([]);
    const snapshot = await h.snapshot();
    const commits = [...(snapshot.get('pull_request_commits')?.values() ?? [])].filter((c) => c.repository_uuid === repository.uuid && c.pull_request_id === open);
    expect(commits).toHaveLength(2);
  });
});
