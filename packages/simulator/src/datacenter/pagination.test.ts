import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDc, type StartedDc } from './testing.js';

let dc: StartedDc;
beforeAll(async () => {
  dc = await startDc();
});
afterAll(() => dc.close());

/** Follows nextPageStart until isLastPage, checking every envelope on the way. */
async function walk(path: string, limit: number, credential = 'admin'): Promise<unknown[]> {
  const values: unknown[] = [];
  let start = 0;
  for (let pages = 0; pages < 1000; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const { status, body } = await dc.get(`${path}${sep}start=${start}&limit=${limit}`, credential);
    expect(status).toBe(200);
    expect(body.start).toBe(start);
    expect(body.size).toBe(body.values.length);
    expect(body.limit).toBe(limit);
    values.push(...body.values);
    if (body.isLastPage) {
      expect(body.nextPageStart).toBeNull();
      expect('nextPageStart' in body).toBe(true);
      return values;
    }
    expect(body.nextPageStart).toBeGreaterThan(start);
    start = body.nextPageStart;
  }
  throw new Error('runaway pagination');
}

describe('golden facts from recorded responses', () => {
  it('projects?limit=1 answers start 0, size 1, nextPageStart 2 when the second project is not visible', async () => {
    const { body } = await dc.get('/projects?limit=1', 'user');
    expect(body).toMatchObject({ start: 0, size: 1, limit: 1, isLastPage: false, nextPageStart: 2 });
  });

  it('activities?limit=1000 is clamped to 500', async () => {
    const truth = dc.sim.handle.groundTruth();
    const repo = truth.repositories.find((r) => (truth.pullRequests[r.id] ?? []).length > 0)!;
    const pr = truth.pullRequests[repo.id]![0]!;
    const { body } = await dc.get(`/projects/${repo.project.key}/repos/${repo.slug}/pull-requests/${pr.id}/activities?limit=1000`);
    expect(body.limit).toBe(500);
    expect(body.isLastPage).toBe(true);
    expect(body.nextPageStart).toBeNull();
  });

  it('commits limit is clamped to page.max.commits (100) and the default limit is 25', async () => {
    const repo = dc.sim.handle.groundTruth().repositories.find((r) => r.defaultBranch === 'main')!;
    const clamped = await dc.get(`/projects/${repo.project.key}/repos/${repo.slug}/commits?limit=5000`);
    expect(clamped.body.limit).toBe(100);
    const defaulted = await dc.get('/repos');
    expect(defaulted.body.limit).toBe(25);
  });
});

describe('walking pages with nextPageStart yields every item exactly once', () => {
  it('projects as the regular user skip restricted projects', async () => {
    const all = (await walk('/projects', 1, 'user')) as { key: string }[];
    const admin = (await walk('/projects', 2)) as { key: string }[];
    expect(admin.map((p) => p.key)).toEqual(dc.sim.handle.groundTruth().projects.map((p) => p.key));
    expect(all.length).toBeLessThan(admin.length);
    expect(new Set(all.map((p) => p.key)).size).toBe(all.length);
  });

  it('repositories, commits and pull requests match ground truth', async () => {
    const truth = dc.sim.handle.groundTruth();
    const repos = (await walk('/repos', 5)) as { id: number }[];
    expect(repos.map((r) => r.id)).toEqual(truth.repositories.map((r) => r.id));
    for (const repo of truth.repositories.slice(0, 4)) {
      const base = `/projects/${repo.project.key}/repos/${repo.slug}`;
      const commits = (await walk(`${base}/commits`, 7)) as { id: string }[];
      expect(commits.map((c) => c.id)).toEqual((truth.commits[repo.id] ?? []).map((c) => c.id));
      const prs = (await walk(`${base}/pull-requests?state=ALL&order=OLDEST`, 3)) as { id: number }[];
      expect(new Set(prs.map((p) => p.id))).toEqual(new Set((truth.pullRequests[repo.id] ?? []).map((p) => p.id)));
      for (const pr of (truth.pullRequests[repo.id] ?? []).slice(0, 2)) {
        const activities = (await walk(`${base}/pull-requests/${pr.id}/activities`, 2)) as { id: number }[];
        expect(activities.map((a) => a.id)).toEqual((truth.activities[`${repo.id}/${pr.id}`] ?? []).map((a) => a.id));
      }
    }
  });

  it('a start past the end answers an empty last page', async () => {
    const { body } = await dc.get('/repos?start=10000');
    expect(body).toMatchObject({ size: 0, values: [], isLastPage: true, nextPageStart: null, start: 10000 });
  });

  it('a non-numeric limit is a 400 with a RestErrors body', async () => {
    const { status, body } = await dc.get('/repos?limit=abc');
    expect(status).toBe(400);
    expect(body.errors[0].context).toBe('limit');
  });
});
