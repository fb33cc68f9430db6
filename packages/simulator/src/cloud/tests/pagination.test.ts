/** Pagination: every item exactly once, opaque tokens, page-size maxima, both page styles. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../start.js';
import { CloudClient } from '../../test-support/cloud-client.js';
import { pullRequestKey } from '../truth.js';

let sim: Simulator;
let client: CloudClient;

beforeAll(async () => {
  sim = await startSimulator({ size: 'small', seed: 11, rateLimits: { cloudPerHour: 1_000_000 } });
  client = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['workspaceToken']);
});
afterAll(() => sim.close());

const ALL_STATES = 'state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED';

describe('a full sync over HTTP', () => {
  it('yields exactly the ground truth, each item once', async () => {
    const truth = sim.cloud.groundTruth();
    const repos = await client.all('/repositories/acme?pagelen=5');
    expect(repos.values.map((r) => r.uuid).sort()).toEqual(truth.repositories.map((r) => r['uuid']).sort());
    expect(repos.pages).toBe(Math.ceil(truth.repositories.length / 5));
    const members = await client.all('/workspaces/acme/members?pagelen=5');
    expect(members.values.map((m) => m.user.uuid).sort()).toEqual(truth.members.map((m) => (m['user'] as { uuid: string }).uuid).sort());
    for (const repo of repos.values.slice(0, 4)) {
      const base = `/repositories/acme/${repo.slug}`;
      const prs = await client.all(`${base}/pullrequests?${ALL_STATES}&pagelen=7`);
      const ids = prs.values.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort((a, b) => a - b)).toEqual((truth.pullrequests[repo.uuid] ?? []).map((p) => p['id']));
      // List items are condensed.
      expect(prs.values[0]).not.toHaveProperty('reviewers');
      expect(prs.values[0]).not.toHaveProperty('participants');
      const commits = await client.all(`${base}/commits/${repo.mainbranch.name}?pagelen=13`);
      const hashes = commits.values.map((c) => c.hash);
      expect(hashes).toEqual((truth.commits[repo.uuid] ?? []).map((c) => c['hash']));
      for (const body of commits.bodies) {
        expect(Object.keys(body).sort()).toEqual(body.next ? ['next', 'pagelen', 'values'] : ['pagelen', 'values']);
        if (body.next) expect(new URL(body.next).searchParams.get('page')).not.toMatch(/^\d+$/);
      }
      const pipelines = await client.all(`${base}/pipelines?pagelen=4`);
      expect(pipelines.values.map((p) => p.uuid)).toEqual((truth.pipelines[repo.uuid] ?? []).map((p) => p['uuid']));
      for (const pr of prs.values.slice(0, 5)) {
        const key = pullRequestKey(repo.uuid, pr.id);
        const activity = await client.all(`${base}/pullrequests/${pr.id}/activity?pagelen=2`);
        expect(activity.values).toEqual(truth.activity[key]);
        const comments = await client.all(`${base}/pullrequests/${pr.id}/comments?pagelen=2`);
        expect(comments.values.map((c) => c.id)).toEqual((truth.comments[key] ?? []).map((c) => c['id']));
        const prCommits = await client.get(`${base}/pullrequests/${pr.id}/commits?pagelen=1`);
        if (prCommits.status === 200) {
          const all = await client.all(`${base}/pullrequests/${pr.id}/commits?pagelen=1`);
          expect(all.values.map((c) => c.hash)).toEqual((truth.prCommits[key] ?? []).map((c) => c['hash']));
        } else {
          expect(prCommits.status).toBe(404);
          expect(truth.prCommits[key]).toEqual([]);
        }
      }
    }
  });

  it('list pages carry page/size/previous; iterator pages only next/pagelen', async () => {
    const first = await client.get('/repositories/acme?pagelen=3');
    expect(first.json).toMatchObject({ page: 1, pagelen: 3, size: 12 });
    expect(first.json).not.toHaveProperty('previous');
    const second = await client.get(first.json.next);
    expect(second.json.page).toBe(2);
    expect(second.json.previous).toMatch(/page=1/);
    expect(new URL(first.json.next).origin).toBe(sim.origin);
  });

  it('rejects page sizes above the maxima with 400', async () => {
    const slug = sim.cloud.control.repositories()[0];
    const cases: [string, number][] = [
      ['/repositories/acme', 100],
      [`/repositories/acme/${slug}/pullrequests`, 50],
      [`/repositories/acme/${slug}/pullrequests/1/activity`, 50],
      [`/repositories/acme/${slug}/pipelines`, 100],
      [`/repositories/acme/${slug}/commits`, 100],
      ['/workspaces/acme/members', 100],
    ];
    for (const [path, max] of cases) {
      expect((await client.get(`${path}?pagelen=${max}`)).status, path).toBe(200);
      const over = await client.get(`${path}?pagelen=${max + 1}`);
      expect(over.status, path).toBe(400);
      expect(over.json.type).toBe('error');
    }
  });

  it('defaults to 10 per page (members 50, commits 30) and OPEN pull requests only', async () => {
    const slug = sim.cloud.control.repositories()[0];
    expect((await client.get('/repositories/acme')).json.pagelen).toBe(10);
    expect((await client.get('/workspaces/acme/members')).json.pagelen).toBe(50);
    expect((await client.get(`/repositories/acme/${slug}/commits`)).json.pagelen).toBe(30);
    const open = await client.all(`/repositories/acme/${slug}/pullrequests`);
    expect(open.values.every((p) => p.state === 'OPEN')).toBe(true);
  });

  it('rejects tokens it did not issue, or issued for another listing', async () => {
    const [a, b] = sim.cloud.control.repositories();
    const page = await client.get(`/repositories/acme/${a}/commits?pagelen=1`);
    const token = new URL(page.json.next).searchParams.get('page') as string;
    expect((await client.get(`/repositories/acme/${a}/commits?pagelen=1&page=${token}`)).status).toBe(200);
    expect((await client.get(`/repositories/acme/${b}/commits?pagelen=1&page=${token}`)).status).toBe(400);
    expect((await client.get(`/repositories/acme/${a}/commits?page=2`)).json).toEqual({ type: 'error', error: { message: 'Invalid page' } });
  });

  it('keeps iterator pages stable when commits are pushed between pages', async () => {
    const slug = sim.cloud.control.repositories()[2] as string;
    const repo = sim.cloud.groundTruth().repositories.find((r) => r['slug'] === slug) as { uuid: string; mainbranch: { name: string } };
    const before = (sim.cloud.groundTruth().commits[repo.uuid] ?? []).map((c) => c['hash']);
    const first = await client.get(`/repositories/acme/${slug}/commits/${repo.mainbranch.name}?pagelen=5`);
    sim.cloud.control.pushCommits(slug, { count: 3, merge: false });
    const rest = await client.all(first.json.next);
    expect([...first.json.values.map((c: { hash: string }) => c.hash), ...rest.values.map((c) => c.hash)]).toEqual(before);
  });

  it('repeats the last row of the previous page when the BCLOUD-23644 switch is on', async () => {
    sim.cloud.control.setSwitches({ repeatRowAcrossPages: true });
    try {
      const all = await client.all('/repositories/acme?pagelen=5');
      const uuids = all.values.map((r) => r.uuid);
      expect(uuids.length).toBeGreaterThan(new Set(uuids).size);
      expect(new Set(uuids).size).toBe(12);
    } finally {
      sim.cloud.control.setSwitches({ repeatRowAcrossPages: false });
    }
  });

  it('honours the undocumented maxima switches', async () => {
    sim.cloud.control.setSwitches({ cloudMaxPagelen: { members: 30, comments: 20, commits: 50 } });
    try {
      expect((await client.get('/workspaces/acme/members?pagelen=31')).status).toBe(400);
      expect((await client.get('/workspaces/acme/members')).json.pagelen).toBe(30);
      const slug = sim.cloud.control.repositories()[0];
      expect((await client.get(`/repositories/acme/${slug}/commits?pagelen=51`)).status).toBe(400);
      expect((await client.get(`/repositories/acme/${slug}/pullrequests/1/comments?pagelen=21`)).status).toBe(400);
    } finally {
      sim.cloud.control.setSwitches({ cloudMaxPagelen: { members: 100, comments: 100, commits: 100 } });
    }
  });
});
