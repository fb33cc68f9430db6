/**
 * Fork pull requests and comment deletions through the real engine against the simulator. A fork pull
 * request's `fromRef.repository` is the author's personal fork (its `origin` is the synced repository): its
 * commits come from the pull request endpoint, never from a lookup in the target repository, and its records
 * belong to the target repository's partition. A comment edit or deletion adds a COMMENTED activity and bumps
 * the pull request's `updatedDate`, so the next run re-reads its activities and the merged snapshot shows the
 * change (the EDITED/DELETED item, and the ADDED item's comment as it is now).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expectComplete, expectTruth, selector, type Repository } from './test-support/e2e-expectations.js';
import { startEngineHarness, type EngineHarness } from './test-support/engine-harness.js';

let harness: EngineHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('fork pull requests and comment changes', () => {
  it('sync to the truth; fork commits are read from the pull request only; edits and deletions are picked up', async () => {
    const h = (harness = await startEngineHarness());
    const control = h.sim.datacenter.control;
    const truth = h.sim.datacenter.groundTruth();
    const repository = truth.repositories.find((r) => (truth.pullRequests[r.id] ?? []).length > 0) as Repository;
    const fork = control.openPullRequest({ ...selector(repository), title: 'from my fork', commits: 2, fromFork: true });
    expect(fork.fromRef.repository.id).not.toBe(repository.id);
    const comment = control.commentPullRequest({ ...selector(repository), id: fork.id, text: 'first' });
    const doomed = control.commentPullRequest({ ...selector(repository), id: fork.id, text: 'to be deleted' });

    const first = await h.run();
    expectComplete(first.manifest);
    expectTruth(await h.snapshot(), h.sim.datacenter.groundTruth());
    const forkCommits = [...((await h.snapshot()).get('pull_request_commits')?.keys() ?? [])].filter((key) => key.startsWith(`${repository.id}:${fork.id}:`));
    expect(forkCommits).toHaveLength(2);
    const lookups = h.sim.datacenter.requestLog().filter((entry) => forkCommits.some((key) => entry.path.endsWith(`/commits/${key.split(':')[2]}`)));
    expect(lookups).toEqual([]);

    h.sim.advance(60_000);
    control.commentPullRequest({ ...selector(repository), id: fork.id, edit: comment.id, text: 'second' });
    h.sim.advance(60_000);
    control.commentPullRequest({ ...selector(repository), id: fork.id, delete: doomed.id });
    const second = await h.run();
    expectComplete(second.manifest);
    const merged = await h.snapshot();
    expectTruth(merged, h.sim.datacenter.groundTruth());
    const activities = [...(merged.get('pull_request_activities')?.values() ?? [])] as { pullRequestId: number; repositoryId: number; action: string; commentAction?: string; comment?: { id: number; text: string } }[];
    const ofFork = activities.filter((a) => a.repositoryId === repository.id && a.pullRequestId === fork.id);
    expect(ofFork.find((a) => a.commentAction === 'ADDED' && a.comment?.id === comment.id)?.comment?.text).toBe('second');
    expect(ofFork.some((a) => a.commentAction === 'EDITED' && a.comment?.id === comment.id)).toBe(true);
    expect(ofFork.some((a) => a.commentAction === 'DELETED' && a.comment?.id === doomed.id)).toBe(true);
  });
});
