import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SWITCHES, startDc, type StartedDc } from './testing.js';
import type { DataCenterTruth } from './types.js';

let dc: StartedDc;
let truth: DataCenterTruth;
let repo: DataCenterTruth['repositories'][number];
let base: string;
beforeAll(async () => {
  dc = await startDc();
  truth = dc.sim.handle.groundTruth();
  repo = truth.repositories.filter((r) => (truth.pullRequests[r.id] ?? []).length >= 5).sort((a, b) => a.id - b.id)[0]!;
  base = `/projects/${repo.project.key}/repos/${repo.slug}`;
});
afterAll(() => dc.close());

describe('pull request listing', () => {
  it('defaults to OPEN; state=ALL lists every state', async () => {
    const all = truth.pullRequests[repo.id]!;
    const open = await dc.get(`${base}/pull-requests?limit=100`);
    expect(open.body.values.every((p: { state: string }) => p.state === 'OPEN')).toBe(true);
    expect(open.body.values).toHaveLength(all.filter((p) => p.state === 'OPEN').length);
    const every = await dc.get(`${base}/pull-requests?state=ALL&limit=100`);
    expect(every.body.values).toHaveLength(all.length);
    for (const state of ['MERGED', 'DECLINED']) {
      const { body } = await dc.get(`${base}/pull-requests?state=${state}&limit=100`);
      expect(body.values).toHaveLength(all.filter((p) => p.state === state).length);
    }
    expect((await dc.get(`${base}/pull-requests?state=BOGUS`)).status).toBe(400);
  });

  it('order=NEWEST sorts by updatedDate (switch default), OLDEST ascending', async () => {
    const newest = (await dc.get(`${base}/pull-requests?state=ALL&limit=100`)).body.values as { updatedDate: number }[];
    const dates = newest.map((p) => p.updatedDate);
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);
    const oldest = (await dc.get(`${base}/pull-requests?state=ALL&order=OLDEST&limit=100`)).body.values as { updatedDate: number }[];
    expect(oldest.map((p) => p.updatedDate)).toEqual([...dates].reverse());
  });

  it('order=NEWEST sorts by createdDate when the switch says so', async () => {
    const other = await startDc({ switches: { ...TEST_SWITCHES, dataCenterNewestOrderBy: 'created' } });
    try {
      const values = (await other.get(`${base}/pull-requests?state=ALL&limit=100`)).body.values as { createdDate: number; updatedDate: number }[];
      const created = values.map((p) => p.createdDate);
      expect([...created].sort((a, b) => b - a)).toEqual(created);
    } finally {
      await other.close();
    }
  });

  it('timestamps are consistent: created <= closed <= updated, activities within them', async () => {
    for (const pr of truth.pullRequests[repo.id]!) {
      expect(pr.createdDate).toBeLessThanOrEqual(pr.updatedDate);
      if (pr.state !== 'OPEN') expect(pr.closedDate).toBeLessThanOrEqual(pr.updatedDate);
      else expect(pr.closedDate).toBeUndefined();
      const activities = truth.activities[`${repo.id}/${pr.id}`]!;
      expect(activities[0]!.createdDate).toBe(pr.updatedDate);
      expect(activities[activities.length - 1]!.action).toBe('OPENED');
      const ids = activities.map((a) => a.id);
      expect([...ids].sort((a, b) => b - a)).toEqual(ids);
      for (const r of pr.reviewers) if (r.status === 'APPROVED') expect(activities.some((a) => a.action === 'APPROVED' && a.user.id === r.user.id)).toBe(true);
    }
  });

  it('activities fromId/fromType start the page at that item', async () => {
    const pr = truth.pullRequests[repo.id]!.find((p) => truth.activities[`${repo.id}/${p.id}`]!.length >= 4)!;
    const activities = truth.activities[`${repo.id}/${pr.id}`]!;
    const from = activities[2]!;
    const { body } = await dc.get(`${base}/pull-requests/${pr.id}/activities?fromId=${from.id}&fromType=ACTIVITY&limit=1`);
    expect(body.values[0].id).toBe(from.id);
    const commented = activities.find((a) => a.action === 'COMMENTED' && a.commentAction === 'ADDED');
    if (commented) {
      const byComment = await dc.get(`${base}/pull-requests/${pr.id}/activities?fromId=${commented.comment!.id}&fromType=COMMENT`);
      expect(byComment.body.values[0].id).toBe(commented.id);
    }
  });

  it('participants and PR commits are served', async () => {
    const pr = truth.pullRequests[repo.id]![0]!;
    const participants = await dc.get(`${base}/pull-requests/${pr.id}/participants`);
    expect(participants.body.values[0]).toMatchObject({ role: 'AUTHOR', user: { id: pr.author.user.id } });
    const commits = await dc.get(`${base}/pull-requests/${pr.id}/commits`);
    expect(commits.body.values.map((c: { id: string }) => c.id)).toEqual(truth.prCommits[`${repo.id}/${pr.id}`]!.map((c) => c.id));
    expect(commits.body.values[0].id).toBe(pr.fromRef.latestCommit);
  });
});

describe('control API', () => {
  it('opens, reviews, comments on, updates and merges a pull request, bumping updatedDate', async () => {
    const c = dc.sim.handle.control;
    const users = truth.users.filter((u) => u.slug !== 'admin');
    dc.clock.advance(1000);
    const opened = c.openPullRequest({ projectKey: repo.project.key, slug: repo.slug, title: 'Sim change', author: users[0]!.slug, reviewers: [users[1]!.slug], commits: 2 });
    expect(opened).toMatchObject({ state: 'OPEN', version: 0, createdDate: dc.clock.now(), updatedDate: dc.clock.now() });
    const listed = await dc.get(`${base}/pull-requests?limit=1`);
    expect(listed.body.values[0].id).toBe(opened.id);
    dc.clock.advance(1000);
    c.approvePullRequest({ projectKey: repo.project.key, slug: repo.slug, id: opened.id, user: users[1]!.slug });
    dc.clock.advance(1000);
    const comment = c.commentPullRequest({ projectKey: repo.project.key, slug: repo.slug, id: opened.id, user: users[2]!.slug, text: 'hello' });
    dc.clock.advance(1000);
    c.commentPullRequest({ projectKey: repo.project.key, slug: repo.slug, id: opened.id, user: users[0]!.slug, text: 'reply', replyTo: comment.id });
    dc.clock.advance(1000);
    c.updatePullRequest({ projectKey: repo.project.key, slug: repo.slug, id: opened.id, pushCommits: 1 });
    dc.clock.advance(1000);
    const merged = c.mergePullRequest({ projectKey: repo.project.key, slug: repo.slug, id: opened.id });
    expect(merged).toMatchObject({ state: 'MERGED', closedDate: dc.clock.now(), updatedDate: dc.clock.now(), version: 1 });
    const activities = (await dc.get(`${base}/pull-requests/${opened.id}/activities`)).body.values.map((a: { action: string }) => a.action);
    expect(activities).toEqual(['MERGED', 'RESCOPED', 'COMMENTED', 'COMMENTED', 'APPROVED', 'OPENED']);
    const thread = (await dc.get(`${base}/pull-requests/${opened.id}/activities`)).body.values[3].comment;
    expect(thread.comments[0].text).toBe('reply');
    const head = (await dc.get(`${base}/commits?limit=1`)).body.values[0];
    expect(head.parents[1].id).toBe(merged.fromRef.latestCommit);
    expect((await dc.get(`${base}/pull-requests/${opened.id}/commits`)).body.values).toHaveLength(3);
  });

  it('declines and reopens; a rewritten source of a closed PR makes its commits 404', async () => {
    const c = dc.sim.handle.control;
    const pr = c.openPullRequest({ projectKey: repo.project.key, slug: repo.slug });
    c.declinePullRequest({ projectKey: repo.project.key, slug: repo.slug, id: pr.id });
    expect((await dc.get(`${base}/pull-requests/${pr.id}`)).body.state).toBe('DECLINED');
    c.reopenPullRequest({ projectKey: repo.project.key, slug: repo.slug, id: pr.id });
    c.declinePullRequest({ projectKey: repo.project.key, slug: repo.slug, id: pr.id });
    c.updatePullRequest({ projectKey: repo.project.key, slug: repo.slug, id: pr.id, rewriteSource: true });
    expect((await dc.get(`${base}/pull-requests/${pr.id}/commits`)).status).toBe(404);
    const actions = (await dc.get(`${base}/pull-requests/${pr.id}/activities`)).body.values.map((a: { action: string }) => a.action);
    expect(actions).toEqual(['DECLINED', 'REOPENED', 'DECLINED', 'OPENED']);
  });

  it('works over HTTP under /_sim/datacenter', async () => {
    const pushed = await dc.control('pushCommits', { projectKey: repo.project.key, slug: repo.slug, count: 2 });
    expect(pushed.status).toBe(200);
    expect(pushed.body).toHaveLength(2);
    const head = (await dc.get(`${base}/commits?limit=1`)).body.values[0];
    expect(head.id).toBe(pushed.body[0].id);
    expect((await dc.control('nope', {})).status).toBe(404);
    expect((await dc.control('pushCommits', { projectKey: 'X', slug: 'y' })).status).toBe(404);
    const counters = (await fetch(`${dc.server.origin}/_sim/datacenter/counters`).then((r) => r.json())) as { total: number };
    expect(counters.total).toBeGreaterThan(0);
  });

  it('deletes repositories and projects, adds and removes users', async () => {
    const c = dc.sim.handle.control;
    const victim = truth.repositories.find((r) => r.id !== repo.id && r.project.key !== repo.project.key)!;
    c.deleteRepository({ projectKey: victim.project.key, slug: victim.slug });
    expect((await dc.get(`/projects/${victim.project.key}/repos/${victim.slug}`)).status).toBe(404);
    expect(dc.sim.handle.groundTruth().repositories.some((r) => r.id === victim.id)).toBe(false);
    c.deleteProject({ projectKey: victim.project.key });
    expect((await dc.get(`/projects/${victim.project.key}`)).status).toBe(404);
    const added = c.addUser({ slug: 'new.person', displayName: 'New Person' });
    expect((await dc.get('/users?filter=new.person')).body.values).toHaveLength(1);
    expect((await dc.get('/repos?limit=1', added.credential)).status).toBe(200);
    c.removeUser({ slug: 'new.person' });
    expect((await dc.get('/users?filter=new.person')).body.values).toHaveLength(0);
    expect((await dc.get('/repos?limit=1', added.credential)).status).toBe(401);
  });

  it('maintenance mode answers 503 text/html', async () => {
    dc.sim.handle.control.setMaintenance({ on: true });
    const response = await dc.get('/repos');
    dc.sim.handle.control.setMaintenance({ on: false });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
  });
});
