/**
 * History never moves (Data Center): activities, pull request commits and default-branch commits observed
 * before a control call are identical after it, except what the API shows as it is now (an activity's
 * comment: its text, version, dates, replies; a merged or declined pull request's ids in the commits it
 * names), and no activity appears twice. Force-pushes are left out: dropping commits is their point.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../clock.js';
import { createDataCenterSimulator } from './simulator.js';
import { TEST_SIZE, TEST_SWITCHES } from './testing.js';
import type { DataCenterControl, DataCenterTruth } from './types.js';

type Json = Record<string, unknown>;

function stableActivity(activity: Json): string {
  const copy = structuredClone(activity);
  // The comment an activity names is rendered as it is now.
  delete copy['comment'];
  return JSON.stringify(copy);
}

function observe(truth: DataCenterTruth): { items: Map<string, string>; duplicates: string[] } {
  const items = new Map<string, string>();
  const duplicates: string[] = [];
  const put = (key: string, value: string): void => {
    if (items.has(key)) duplicates.push(key);
    items.set(key, value);
  };
  for (const [pr, list] of Object.entries(truth.activities)) for (const a of list) put(`activity|${pr}|${String(a.id)}`, stableActivity(a as unknown as Json));
  for (const [pr, list] of Object.entries(truth.prCommits)) for (const c of list) put(`prcommit|${pr}|${c.id}`, JSON.stringify(c));
  for (const [repo, list] of Object.entries(truth.commits)) for (const c of list) put(`commit|${repo}|${c.id}`, JSON.stringify(c));
  return { items, duplicates };
}

type Action =
  | { readonly op: 'advance'; readonly ms: number }
  | { readonly op: 'push' | 'open'; readonly repo: number }
  | { readonly op: 'comment' | 'edit' | 'approve' | 'needsWork' | 'merge' | 'decline' | 'reopen' | 'update'; readonly repo: number; readonly pr: number; readonly user: number }
  | { readonly op: 'addUser'; readonly n: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 86_400_000 }) }),
  fc.record({ op: fc.constantFrom('push' as const, 'open' as const), repo: fc.nat(5) }),
  fc.record({
    op: fc.constantFrom('comment' as const, 'edit' as const, 'approve' as const, 'needsWork' as const, 'merge' as const, 'decline' as const, 'reopen' as const, 'update' as const),
    repo: fc.nat(5),
    pr: fc.nat(20),
    user: fc.nat(9),
  }),
  fc.record({ op: fc.constant('addUser' as const), n: fc.nat(1000) }),
);

function apply(control: DataCenterControl, truth: () => DataCenterTruth, action: Action, clock: SimClock): void {
  if (action.op === 'advance') {
    clock.advance(action.ms);
    return;
  }
  if (action.op === 'addUser') {
    try {
      control.addUser({ slug: `prop-${action.n}` });
    } catch {
      // Already there.
    }
    return;
  }
  const t = truth();
  const repo = t.repositories[action.repo % t.repositories.length] as DataCenterTruth['repositories'][number];
  const at = { projectKey: repo.project.key, slug: repo.slug };
  const tolerate = (run: () => unknown): void => {
    try {
      run();
    } catch (error) {
      // Calls the state does not allow (merging a merged pull request, reviewing one's own) answer 4xx.
      if (!/409|404|cannot|not|Only|is (MERGED|DECLINED|OPEN)|default branch/i.test(String((error as Error).message))) throw error;
    }
  };
  if (action.op === 'push') return tolerate(() => control.pushCommits({ ...at, count: 2 }));
  if (action.op === 'open') return tolerate(() => control.openPullRequest({ ...at }));
  if (!('user' in action)) return;
  const prs = t.pullRequests[repo.id] ?? [];
  const pr = prs[action.pr % Math.max(1, prs.length)];
  if (!pr) return;
  const target = { ...at, id: pr.id };
  const user = (t.users[action.user % t.users.length] as { slug: string }).slug;
  switch (action.op) {
    case 'comment':
      return tolerate(() => control.commentPullRequest({ ...target, user }));
    case 'edit': {
      const comment = (t.activities[`${repo.id}/${pr.id}`] ?? []).find((a) => a.comment)?.comment;
      if (comment) tolerate(() => control.commentPullRequest({ ...target, edit: comment.id, text: 'edited by the property test' }));
      return;
    }
    case 'approve':
      return tolerate(() => control.approvePullRequest({ ...target, user }));
    case 'needsWork':
      return tolerate(() => control.reviewPullRequest({ ...target, user, status: 'NEEDS_WORK' }));
    case 'merge':
      return tolerate(() => control.mergePullRequest(target));
    case 'decline':
      return tolerate(() => control.declinePullRequest(target));
    case 'reopen':
      return tolerate(() => control.reopenPullRequest(target));
    case 'update':
      return tolerate(() => control.updatePullRequest({ ...target, title: 'Retitled', pushCommits: 1 }));
  }
}

describe('history never moves (Data Center)', () => {
  it('random control calls never rewrite what was observed before them, and no activity appears twice', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(actionArb, { minLength: 1, maxLength: 8 }), (seed, actions) => {
        const clock = new SimClock();
        const sim = createDataCenterSimulator({ seed, size: TEST_SIZE, switches: TEST_SWITCHES, clock, contextPath: '/bitbucket' });
        const truth = (): DataCenterTruth => sim.handle.groundTruth();
        let before = observe(truth());
        expect(before.duplicates).toEqual([]);
        for (const action of actions) {
          apply(sim.handle.control, truth, action, clock);
          const after = observe(truth());
          expect(after.duplicates).toEqual([]);
          const moved = [...before.items].filter(([key, value]) => after.items.get(key) !== value).map(([key]) => `${action.op}: ${key}`);
          expect(moved).toEqual([]);
          before = after;
        }
      }),
      { numRuns: 12 },
    );
  });
});
