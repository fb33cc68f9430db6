import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDc, type StartedDc } from './testing.js';
import type { DataCenterTruth } from './types.js';

let dc: StartedDc;
let truth: DataCenterTruth;
let repo: DataCenterTruth['repositories'][number];
let base: string;
beforeAll(async () => {
  dc = await startDc();
  truth = dc.sim.handle.groundTruth();
  repo = truth.repositories.filter((r) => (truth.commits[r.id] ?? []).length > 20).sort((a, b) => a.id - b.id)[0]!;
  base = `/projects/${repo.project.key}/repos/${repo.slug}`;
});
afterAll(() => dc.close());

const ids = (body: { values: { id: string }[] }): string[] => body.values.map((c) => c.id);

describe('commits since/until', () => {
  it('lists the default branch newest first, with merges, parents and epoch-ms timestamps', async () => {
    const { body } = await dc.get(`${base}/commits?limit=100`);
    const commits = truth.commits[repo.id]!;
    expect(ids(body)).toEqual(commits.slice(0, 100).map((c) => c.id));
    expect(body.values.some((c: { parents: unknown[] }) => c.parents.length === 2)).toBe(true);
    for (const c of body.values) {
      expect(c.id).toMatch(/^[0-9a-f]{40}$/);
      expect(c.displayId).toBe(c.id.slice(0, 11));
      expect(c.authorTimestamp).toBeGreaterThan(1_600_000_000_000);
    }
  });

  it('since is exclusive and until inclusive', async () => {
    const commits = truth.commits[repo.id]!;
    const since = commits[10]!.id;
    const until = commits[2]!.id;
    const { body } = await dc.get(`${base}/commits?since=${since}&until=${until}&limit=100`);
    const listed = ids(body);
    expect(listed[0]).toBe(until);
    expect(listed).not.toContain(since);
    expect(listed).not.toContain(commits[1]!.id);
    const untilRef = await dc.get(`${base}/commits?until=${encodeURIComponent(`refs/heads/${repo.defaultBranch}`)}&limit=3`);
    expect(ids(untilRef.body)).toEqual(commits.slice(0, 3).map((c) => c.id));
  });

  it('merges=exclude and merges=only split the history', async () => {
    const all = truth.commits[repo.id]!;
    const exclude = await dc.get(`${base}/commits?merges=exclude&limit=100`);
    const only = await dc.get(`${base}/commits?merges=only&limit=100`);
    expect(exclude.body.values.every((c: { parents: unknown[] }) => c.parents.length < 2)).toBe(true);
    expect(only.body.values.every((c: { parents: unknown[] }) => c.parents.length === 2)).toBe(true);
    expect(Math.min(100, all.length)).toBeLessThanOrEqual(exclude.body.values.length + only.body.values.length);
  });

  it('an unknown since answers 404 NoSuchCommitException, or is ignored with ignoreMissing', async () => {
    const missing = 'deadbeef'.repeat(5);
    const strict = await dc.get(`${base}/commits?since=${missing}`);
    expect(strict.status).toBe(404);
    expect(strict.body.errors[0].exceptionName).toBe('com.atlassian.bitbucket.commit.NoSuchCommitException');
    const lenient = await dc.get(`${base}/commits?since=${missing}&ignoreMissing=true&limit=5`);
    expect(lenient.status).toBe(200);
    expect(ids(lenient.body)).toEqual(truth.commits[repo.id]!.slice(0, 5).map((c) => c.id));
  });

  it('withCounts adds totalCount and authorCount', async () => {
    const { body } = await dc.get(`${base}/commits?withCounts=true&limit=1`);
    expect(body.totalCount).toBe(truth.commits[repo.id]!.length);
    expect(body.authorCount).toBeGreaterThan(0);
  });

  it('commits/{id} takes ids (also abbreviated) and rejects ref names', async () => {
    const c = truth.commits[repo.id]![3]!;
    expect((await dc.get(`${base}/commits/${c.id}`)).body.id).toBe(c.id);
    expect((await dc.get(`${base}/commits/${c.displayId}`)).body.id).toBe(c.id);
    const byRef = await dc.get(`${base}/commits/${repo.defaultBranch}`);
    expect(byRef.status).toBe(404);
  });
});

describe('default branch', () => {
  it('default-branch answers the configured RestMinimalRef and branches/default the RestBranch', async () => {
    const ref = await dc.get(`${base}/default-branch`);
    expect(ref.body).toEqual({ id: `refs/heads/${repo.defaultBranch}`, displayId: repo.defaultBranch, type: 'BRANCH' });
    const legacy = await dc.get(`${base}/branches/default`);
    expect(legacy.body).toMatchObject({ id: `refs/heads/${repo.defaultBranch}`, isDefault: true, latestCommit: truth.commits[repo.id]![0]!.id });
  });

  it('an empty repository answers 204 on branches/default but a ref on default-branch', async () => {
    const empty = truth.repositories.find((r) => (truth.commits[r.id] ?? []).length === 0)!;
    const path = `/projects/${empty.project.key}/repos/${empty.slug}`;
    expect((await dc.get(`${path}/branches/default`)).status).toBe(204);
    expect((await dc.get(`${path}/default-branch`)).body.id).toBe(empty.defaultBranchRef.id);
    const commits = await dc.get(`${path}/commits`);
    expect(commits.body).toMatchObject({ values: [], isLastPage: true });
  });

  it('a configured branch that does not exist answers 404 on branches/default', async () => {
    const other = truth.repositories.filter((r) => (truth.commits[r.id] ?? []).length > 0 && r.id !== repo.id)[0]!;
    dc.sim.handle.control.setDefaultBranch({ projectKey: other.project.key, slug: other.slug, branch: 'trunk' });
    const path = `/projects/${other.project.key}/repos/${other.slug}`;
    expect((await dc.get(`${path}/default-branch`)).body).toEqual({ id: 'refs/heads/trunk', displayId: 'trunk', type: 'BRANCH' });
    const legacy = await dc.get(`${path}/branches/default`);
    expect(legacy.status).toBe(404);
    expect((await dc.get(`${path}/commits`)).status).toBe(404);
    expect((await dc.get(`${path}/commits?ignoreMissing=true`)).body.values).toEqual([]);
  });

  it('branches filter, order and mark the default', async () => {
    const { body } = await dc.get(`${base}/branches?orderBy=ALPHABETICAL&limit=100`);
    const names = body.values.map((b: { displayId: string }) => b.displayId);
    expect([...names].sort()).toEqual(names);
    expect(body.values.filter((b: { isDefault: boolean }) => b.isDefault)).toHaveLength(1);
    const filtered = await dc.get(`${base}/branches?filterText=${repo.defaultBranch}`);
    expect(filtered.body.values.some((b: { displayId: string }) => b.displayId === repo.defaultBranch)).toBe(true);
  });
});

describe('history rewrites', () => {
  it('push then since=<old tip> lists exactly the new commits', async () => {
    const before = truth.commits[repo.id]![0]!.id;
    dc.clock.advance(60_000);
    const pushed = dc.sim.handle.control.pushCommits({ projectKey: repo.project.key, slug: repo.slug, count: 2, merge: true });
    const { body } = await dc.get(`${base}/commits?since=${before}&limit=100`);
    expect(new Set(ids(body))).toEqual(new Set(pushed.map((c) => c.id)));
    expect(body.values[0].parents).toHaveLength(2);
    expect(body.values[0].committerTimestamp).toBe(Math.floor(dc.clock.now() / 1000) * 1000);
  });

  it('force-push drops the synced tip: since answers 404, ignoreMissing gives the whole new history', async () => {
    const tipBefore = (await dc.get(`${base}/branches/default`)).body.latestCommit as string;
    const result = dc.sim.handle.control.forcePush({ projectKey: repo.project.key, slug: repo.slug, drop: 3, add: 2 });
    expect(result.dropped).toContain(tipBefore);
    expect((await dc.get(`${base}/commits/${tipBefore}`)).status).toBe(404);
    expect((await dc.get(`${base}/commits?since=${tipBefore}`)).status).toBe(404);
    const all = await dc.get(`${base}/commits?since=${tipBefore}&ignoreMissing=true&withCounts=true&limit=1`);
    expect(all.body.totalCount).toBe(dc.sim.handle.groundTruth().commits[repo.id]!.length);
    expect(all.body.values[0].id).toBe(result.added[0]!.id);
  });
});
