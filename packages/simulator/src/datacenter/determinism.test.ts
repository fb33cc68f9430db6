import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../clock.js';
import { createDataCenterSimulator } from './simulator.js';
import { TEST_SIZE, TEST_SWITCHES, authorization } from './testing.js';

const make = (seed: number) => createDataCenterSimulator({ seed, size: TEST_SIZE, switches: TEST_SWITCHES, clock: new SimClock(), contextPath: '/bitbucket' });

describe('determinism', () => {
  it('the same seed gives the same ground truth; another seed does not', () => {
    const a = make(1).handle.groundTruth();
    const b = make(1).handle.groundTruth();
    const c = make(2).handle.groundTruth();
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c.commits)).not.toBe(JSON.stringify(a.commits));
    expect(Object.keys(a.activities).length).toBeGreaterThan(20);
  });

  it('credentials are deterministic and include the documented sample set', () => {
    const credentials = make(3).handle.credentials;
    expect(Object.keys(credentials)).toEqual(expect.arrayContaining(['admin', 'userToken', 'bearerPersonal', 'projectToken', 'repoToken', 'wrongPassword']));
    expect(make(3).handle.credentials).toEqual(credentials);
  });

  it('a medium dataset generates with every pull request state and merges', () => {
    const sim = createDataCenterSimulator({ seed: 5, size: { repositories: 60, projects: 8, members: 40, pullRequestsPerRepo: 20, commitsPerRepo: 200, pipelinesPerRepo: 0 }, switches: TEST_SWITCHES, clock: new SimClock() });
    const truth = sim.handle.groundTruth();
    const states = new Set(Object.values(truth.pullRequests).flat().map((p) => p.state));
    expect(states).toEqual(new Set(['OPEN', 'MERGED', 'DECLINED']));
    const actions = new Set(Object.values(truth.activities).flat().map((a) => a.action));
    for (const action of ['OPENED', 'UPDATED', 'RESCOPED', 'REVIEWED', 'APPROVED', 'UNAPPROVED', 'DECLINED', 'REOPENED', 'MERGED', 'COMMENTED']) expect(actions).toContain(action);
    const editAndReply = Object.values(truth.activities).flat().filter((a) => a.action === 'COMMENTED');
    expect(editAndReply.some((a) => a.commentAction === 'EDITED')).toBe(true);
    expect(editAndReply.some((a) => (a.comment?.comments.length ?? 0) > 0)).toBe(true);
    const branches = new Set(truth.repositories.map((r) => r.defaultBranch));
    expect(branches.has('main')).toBe(true);
    expect(Object.values(truth.commits).some((list) => list.length === 0)).toBe(true);
  });
});

describe('pagination property', () => {
  it('any sequence of limits walks every repository exactly once, in order', async () => {
    const sim = make(9);
    const handler = sim.mounts[0]!.handler;
    const header = authorization(sim.handle.credentials['user']!);
    const get = async (path: string) => {
      const url = new URL(`http://127.0.0.1${sim.contextPath}/rest/api/1.0${path}`);
      const response = await handler({ method: 'GET', url, path: url.pathname.slice(sim.mounts[0]!.prefix.length), headers: { authorization: header }, body: Buffer.alloc(0) });
      return response.body as { values: { id: number }[]; isLastPage: boolean; nextPageStart: number | null; size: number };
    };
    const expected = (await get('/repos?limit=1000')).values.map((r) => r.id);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 30 }), async (limits) => {
        const seen: number[] = [];
        let start = 0;
        for (let i = 0; ; i++) {
          const page = await get(`/repos?start=${start}&limit=${limits[i % limits.length]}`);
          expect(page.size).toBe(page.values.length);
          seen.push(...page.values.map((r) => r.id));
          if (page.isLastPage) {
            expect(page.nextPageStart).toBeNull();
            break;
          }
          start = page.nextPageStart as number;
        }
        expect(seen).toEqual(expected);
      }),
      { numRuns: Number(process.env['FC_NUM_RUNS'] ?? 1000) },
    );
  });
});
