/**
 * `deployments` (inferred from tags and release-branch merges) and `pull_request_events` (derived from what the
 * pull request definition reads) through the real engine against the simulator: full and incremental syncs
 * equal an oracle computed here from the ground truth (not from the connector's code); a run where nothing
 * changed costs one tags page and one release-branch page per repository, and no commit lookup; the timeline
 * costs no request.
 */
import type { DataCenterTruth } from '@bbsync/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { expectComplete, selector, type Repository } from './test-support/e2e-expectations.js';
import { startEngineHarness, type EngineHarness, type Records } from './test-support/engine-harness.js';
import { loadSchema, validate } from './test-support/json-schema.js';

let harness: EngineHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Obj = Record<string, any>;
type Expected = Map<string, unknown>;
const iso = (ms: number) => new Date(ms).toISOString();

/** Tags `v*`/`release-*` → production; merges on `branch` → staging (where that branch is the default one). */
function expectedDeployments(truth: DataCenterTruth, branch: string | undefined): Expected {
  const out: Expected = new Map();
  for (const repository of truth.repositories) {
    const commits = new Map((truth.commits[repository.id] ?? []).map((commit) => [commit.id, commit]));
    const base = { repository: String(repository.id), state: 'SUCCESSFUL', pipeline: null, origin: 'inferred' };
    for (const tag of (truth.tags[repository.id] ?? []) as Obj[]) {
      if (!/^(v|release-)/i.test(tag.displayId)) continue;
      const at = iso((commits.get(tag.latestCommit) as Obj).committerTimestamp);
      out.set(`${repository.id}:tag:${tag.displayId}`, { ...base, id: `tag:${tag.displayId}`, environment: 'production', environment_type: 'Production', started_on: at, completed_on: at, commit: tag.latestCommit, rule: 'release-tag' });
    }
    if (branch === undefined || repository.defaultBranch !== branch) continue;
    for (const commit of commits.values()) {
      if ((commit.parents?.length ?? 0) < 2) continue;
      const at = iso(commit.committerTimestamp);
      out.set(`${repository.id}:merge:${commit.id}`, { ...base, id: `merge:${commit.id}`, environment: 'staging', environment_type: 'Staging', started_on: at, completed_on: at, commit: commit.id, rule: 'staging-merges' });
    }
  }
  return out;
}

const KIND: Readonly<Record<string, string>> = { APPROVED: 'approved', UNAPPROVED: 'approval_withdrawn', REVIEWED: 'changes_requested', MERGED: 'merged', DECLINED: 'declined', REOPENED: 'reopened' };

function expectedEvents(truth: DataCenterTruth, listedBots: readonly string[]): Expected {
  const out: Expected = new Map();
  for (const repository of truth.repositories) {
    for (const pr of (truth.pullRequests[repository.id] ?? []) as Obj[]) {
      const author = pr.author?.user?.slug;
      const put = (id: string, kind: string, at: number, user: Obj | undefined) => {
        const actor = user?.slug ?? null;
        out.set(`${repository.id}:${pr.id}:${id}`, {
          id,
          pull_request: pr.id,
          repository: String(repository.id),
          at: iso(at),
          kind,
          actor,
          is_author: actor !== null && actor === author,
          is_bot: user?.type === 'SERVICE' || listedBots.includes(user?.slug),
        });
      };
      put('opened', 'opened', pr.createdDate, pr.author?.user);
      for (const activity of (truth.activities[`${repository.id}/${pr.id}`] ?? []) as Obj[]) {
        if (activity.action === 'COMMENTED') {
          if (activity.commentAction === 'ADDED' || activity.commentAction === 'REPLIED') put(`commented:${activity.comment.id}`, 'commented', activity.comment.createdDate, activity.user);
        } else if (KIND[activity.action] !== undefined) put(`${KIND[activity.action]}:${activity.id}`, KIND[activity.action] as string, activity.createdDate, activity.user);
      }
      for (const commit of (truth.prCommits[`${repository.id}/${pr.id}`] ?? []) as Obj[]) put(`commit_pushed:${commit.id}`, 'commit_pushed', commit.authorTimestamp, commit.author);
    }
  }
  return out;
}

function differences(actual: Map<string, unknown> | undefined, expected: Expected): string[] {
  const got = actual ?? new Map();
  const problems: string[] = [];
  for (const key of expected.keys()) if (!got.has(key)) problems.push(`missing ${key}`);
  for (const key of got.keys()) if (!expected.has(key)) problems.push(`unexpected ${key}`);
  for (const [key, value] of expected) {
    if (got.has(key) && JSON.stringify(got.get(key), Object.keys(value as object).sort()) !== JSON.stringify(value, Object.keys(value as object).sort())) {
      problems.push(`differs ${key}: got ${JSON.stringify(got.get(key))} expected ${JSON.stringify(value)}`);
    }
  }
  return problems;
}

/** The default branch most repositories have. */
function commonDefaultBranch(truth: DataCenterTruth): string {
  const counts = new Map<string, number>();
  for (const repository of truth.repositories) counts.set(repository.defaultBranch, (counts.get(repository.defaultBranch) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] as string;
}

describe('deployments from tags and release-branch merges', () => {
  it('full and incremental syncs equal the oracle; a run where nothing changed costs one page per rule and repository', async () => {
    const probe = await startEngineHarness();
    const branch = commonDefaultBranch(probe.sim.datacenter.groundTruth());
    await probe.close();
    const rules = [
      { name: 'release-tag', tag: '{v,release-}*', environment: 'production' },
      { name: 'staging-merges', releaseBranch: branch, environment: 'staging' },
    ];
    const h = (harness = await startEngineHarness({ config: { deployments: { rules }, pageSize: 5 } }));
    const first = await h.run({ streams: ['deployments'] });
    expectComplete(first.manifest);
    let snapshot: Records = await h.snapshot();
    let expected = expectedDeployments(h.sim.datacenter.groundTruth(), branch);
    expect([...expected.values()].some((record) => (record as Obj).rule === 'staging-merges')).toBe(true);
    expect([...expected.values()].some((record) => (record as Obj).rule === 'release-tag')).toBe(true);
    expect(differences(snapshot.get('deployments'), expected).slice(0, 5)).toEqual([]);
    const schema = loadSchema('deployments');
    for (const record of snapshot.get('deployments')?.values() ?? []) expect(validate(schema, record)).toEqual([]);

    const truth = h.sim.datacenter.groundTruth();
    const tagged = truth.repositories.find((r) => r.defaultBranch === branch && (truth.tags[r.id] ?? []).length > 1) as Repository;
    const control = h.sim.datacenter.control;
    h.sim.advance(60_000);
    control.pushCommits({ ...selector(tagged), count: 2, merge: true });
    control.createTag({ ...selector(tagged), name: 'v99.0.0', annotated: true });
    control.createTag({ ...selector(tagged), name: 'nightly-skip' });
    // A release tag moved to the new tip: the same deployment id, the new commit.
    const moved = (truth.tags[tagged.id] ?? []).map((tag) => String(tag['displayId'])).find((name) => /^(v|release-)/.test(name)) as string;
    control.createTag({ ...selector(tagged), name: moved });
    h.sim.advance(60_000);
    const second = await h.run({ streams: ['deployments'] });
    expectComplete(second.manifest);
    // Only the new and the moved tag's commits are looked up.
    expect(second.byEndpoint['/projects/{projectKey}/repos/{repositorySlug}/commits/{commitId}'], JSON.stringify(second.byEndpoint)).toBe(2);
    snapshot = await h.snapshot();
    expected = expectedDeployments(h.sim.datacenter.groundTruth(), branch);
    expect(differences(snapshot.get('deployments'), expected).slice(0, 5)).toEqual([]);

    h.sim.advance(60_000);
    const idle = await h.run({ streams: ['deployments'] });
    expectComplete(idle.manifest);
    const now = h.sim.datacenter.groundTruth();
    const repositories = now.repositories.length;
    // Every tags page (5 a page here), one release-branch page per repository, no commit lookup.
    const tagPages = now.repositories.reduce((sum, r) => sum + Math.max(1, Math.ceil((now.tags[r.id] ?? []).length / 5)), 0);
    console.log(`datacenter deployments, nothing changed: ${idle.requests} requests for ${repositories} repositories (${JSON.stringify(idle.byEndpoint)})`);
    expect(idle.byEndpoint['/projects/{projectKey}/repos/{repositorySlug}/tags'], JSON.stringify(idle.byEndpoint)).toBe(tagPages);
    expect(idle.byEndpoint['/projects/{projectKey}/repos/{repositorySlug}/commits']).toBe(repositories);
    expect(idle.byEndpoint['/projects/{projectKey}/repos/{repositorySlug}/commits/{commitId}']).toBeUndefined();
  });
});

describe('pull_request_events', () => {
  it('full and incremental syncs equal the timeline oracle, service users and listed bots marked, at no extra request', async () => {
    const listed = ['admin'];
    const script = async (h: EngineHarness, streams: readonly string[], check: () => Promise<void>): Promise<number[]> => {
      const first = await h.run({ streams });
      expectComplete(first.manifest);
      await check();
      const truth = h.sim.datacenter.groundTruth();
      const control = h.sim.datacenter.control;
      const repository = truth.repositories.find((r) => (truth.commits[r.id]?.length ?? 0) > 3) as Repository;
      const author = truth.users.find((user) => user.slug !== 'admin' && user.slug !== 'ci-bot')?.slug as string;
      h.sim.advance(60_000);
      const opened = control.openPullRequest({ ...selector(repository), author, commits: 2, reviewers: ['admin'] });
      h.sim.advance(1_000);
      control.commentPullRequest({ ...selector(repository), id: opened.id, user: 'ci-bot', text: 'Build passed' });
      h.sim.advance(1_000);
      control.approvePullRequest({ ...selector(repository), id: opened.id, user: 'ci-bot' });
      h.sim.advance(1_000);
      control.reviewPullRequest({ ...selector(repository), id: opened.id, user: 'admin', status: 'NEEDS_WORK' });
      h.sim.advance(1_000);
      control.updatePullRequest({ ...selector(repository), id: opened.id, pushCommits: 1 });
      h.sim.advance(1_000);
      control.reviewPullRequest({ ...selector(repository), id: opened.id, user: 'ci-bot', status: 'UNAPPROVED' });
      h.sim.advance(1_000);
      control.declinePullRequest({ ...selector(repository), id: opened.id, user: author });
      h.sim.advance(1_000);
      control.reopenPullRequest({ ...selector(repository), id: opened.id, user: author });
      h.sim.advance(1_000);
      control.mergePullRequest({ ...selector(repository), id: opened.id, user: 'admin' });
      h.sim.advance(60_000);
      const second = await h.run({ streams });
      expectComplete(second.manifest);
      await check();
      return [first.requests, second.requests];
    };

    const h = (harness = await startEngineHarness({ config: { bots: listed } }));
    const kinds = new Set<unknown>();
    const streams = ['pull_requests', 'pull_request_activities', 'pull_request_commits'];
    const withEvents = await script(h, [...streams, 'pull_request_events'], async () => {
      const expected = expectedEvents(h.sim.datacenter.groundTruth(), listed);
      const snapshot = await h.snapshot();
      expect(differences(snapshot.get('pull_request_events'), expected).slice(0, 5)).toEqual([]);
      const schema = loadSchema('pull_request_events');
      for (const record of snapshot.get('pull_request_events')?.values() ?? []) expect(validate(schema, record)).toEqual([]);
      for (const event of expected.values()) kinds.add((event as Obj).kind);
    });
    for (const kind of ['opened', 'commit_pushed', 'commented', 'approved', 'approval_withdrawn', 'changes_requested', 'merged', 'declined', 'reopened']) expect(kinds, kind).toContain(kind);
    const events = [...((await h.snapshot()).get('pull_request_events')?.values() ?? [])] as Obj[];
    expect(events.some((event) => event.actor === 'ci-bot' && event.is_bot === true)).toBe(true);
    await h.close();
    harness = undefined;
    const plain = (harness = await startEngineHarness({ config: { bots: listed } }));
    expect(await script(plain, streams, async () => {})).toEqual(withEvents);
  });
});
