/**
 * History never moves: whatever a client saw of a pull request's past (activity items, comments, commits,
 * pipelines) is identical after any control call, except the fields the real API updates in place, and no
 * item appears twice. The oracle is a snapshot taken before each call, compared item by item after it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../clock.js';
import { createCloudSimulator } from '../index.js';
import type { CloudHandle, CloudObject } from '../index.js';

type Json = Record<string, unknown>;

/** Fields Bitbucket renders as they are now, not as they were (so they may change). */
function stable(kind: 'activity' | 'comment' | 'commit' | 'pipeline', item: CloudObject): Json {
  const copy = structuredClone(item) as Json;
  const drop = (object: unknown, ...keys: string[]): void => {
    if (object && typeof object === 'object') for (const key of keys) delete (object as Json)[key];
  };
  if (kind === 'activity') {
    // The embedded pull request reference carries its current title.
    drop(copy['pull_request'], 'title');
    for (const key of ['approval', 'changes_request', 'comment']) drop((copy[key] as Json | undefined)?.['pullrequest'], 'title');
    // Edits and deletions update a comment in place.
    drop(copy['comment'], 'content', 'updated_on', 'deleted');
    // Update items render the pull request's title, description, branches and reviewers as they are now.
    drop(copy['update'], 'title', 'description', 'source', 'destination', 'reviewers');
  }
  if (kind === 'comment') {
    drop(copy['pullrequest'], 'title');
    drop(copy, 'content', 'updated_on', 'deleted');
  }
  if (kind === 'pipeline') drop(copy, 'state', 'completed_on', 'duration_in_seconds', 'build_seconds_used');
  return copy;
}

function activityKey(item: CloudObject): string {
  const comment = item['comment'] as Json | undefined;
  if (comment) return `comment:${String(comment['id'])}`;
  for (const key of ['approval', 'changes_request', 'update']) {
    const inner = item[key] as Json | undefined;
    if (!inner) continue;
    const who = (inner['user'] ?? inner['author']) as Json | null;
    return `${key}:${String(who?.['uuid'])}:${String(inner['date'])}:${String(inner['state'] ?? '')}`;
  }
  return `other:${JSON.stringify(item)}`;
}

interface Observed {
  /** kind|scope|key → stable JSON. */
  readonly items: Map<string, string>;
  readonly duplicates: string[];
}

function observe(handle: CloudHandle): Observed {
  const truth = handle.groundTruth();
  const items = new Map<string, string>();
  const duplicates: string[] = [];
  const put = (id: string, value: Json): void => {
    if (items.has(id)) duplicates.push(id);
    items.set(id, JSON.stringify(value));
  };
  for (const [pr, list] of Object.entries(truth.activity)) for (const item of list) put(`activity|${pr}|${activityKey(item)}`, stable('activity', item));
  for (const [pr, list] of Object.entries(truth.comments)) for (const item of list) put(`comment|${pr}|${String(item['id'])}`, stable('comment', item));
  for (const [pr, list] of Object.entries(truth.prCommits)) for (const item of list) put(`prcommit|${pr}|${String(item['hash'])}`, stable('commit', item));
  for (const [repo, list] of Object.entries(truth.commits)) for (const item of list) put(`commit|${repo}|${String(item['hash'])}`, stable('commit', item));
  for (const [repo, list] of Object.entries(truth.pipelines)) for (const item of list) put(`pipeline|${repo}|${String(item['uuid'])}`, stable('pipeline', item));
  return { items, duplicates };
}

function newSimulator(seed: number, size: 'tiny' | 'small' = 'tiny'): CloudHandle {
  const clock = new SimClock();
  const sim = createCloudSimulator({ seed, size, switches: {}, clock });
  return sim.handle('http://127.0.0.1:1');
}

type Action =
  | { readonly op: 'advance'; readonly ms: number }
  | { readonly op: 'push'; readonly repo: number; readonly count: number }
  | { readonly op: 'open'; readonly repo: number }
  | { readonly op: 'update'; readonly repo: number; readonly pr: number; readonly push: number }
  | { readonly op: 'approve' | 'unapprove' | 'requestChanges' | 'comment' | 'merge' | 'decline'; readonly repo: number; readonly pr: number; readonly user: number }
  | { readonly op: 'pipeline'; readonly repo: number }
  | { readonly op: 'finish'; readonly repo: number; readonly pipeline: number }
  | { readonly op: 'member' }
  | { readonly op: 'editComment'; readonly repo: number; readonly pr: number; readonly comment: number; readonly deleted: boolean };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 86_400_000 }) }),
  fc.record({ op: fc.constant('push' as const), repo: fc.nat(2), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant('open' as const), repo: fc.nat(2) }),
  fc.record({ op: fc.constant('update' as const), repo: fc.nat(2), pr: fc.nat(40), push: fc.nat(2) }),
  fc.record({
    op: fc.constantFrom('approve' as const, 'unapprove' as const, 'requestChanges' as const, 'comment' as const, 'merge' as const, 'decline' as const),
    repo: fc.nat(2),
    pr: fc.nat(40),
    user: fc.nat(9),
  }),
  fc.record({ op: fc.constant('pipeline' as const), repo: fc.nat(2) }),
  fc.record({ op: fc.constant('finish' as const), repo: fc.nat(2), pipeline: fc.nat(20) }),
  fc.record({ op: fc.constant('member' as const) }),
  fc.record({ op: fc.constant('editComment' as const), repo: fc.nat(2), pr: fc.nat(40), comment: fc.nat(10), deleted: fc.boolean() }),
);

/** Applies an action (ignoring ones the state does not allow, like merging a merged pull request). */
function apply(handle: CloudHandle, action: Action): void {
  const control = handle.control;
  const slugs = control.repositories();
  if (action.op === 'advance') return control.advance(action.ms);
  if (action.op === 'member') {
    control.addMember();
    return;
  }
  const slug = slugs[action.repo % slugs.length] as string;
  const truthIds = control.truthIds();
  const repoUuid = handle.groundTruth().repositories.find((r) => r['slug'] === slug)?.['uuid'] as string;
  const prCount = truthIds.pullrequests[repoUuid]?.length ?? 0;
  const tryIt = (run: () => unknown): void => {
    try {
      run();
    } catch (error) {
      if (!/not open|no pull request|no pipeline|is deleted/.test((error as Error).message)) throw error;
    }
  };
  switch (action.op) {
    case 'push':
      control.pushCommits(slug, { count: action.count });
      return;
    case 'open':
      control.openPullRequest(slug, { title: 'Opened by the property test' });
      return;
    case 'pipeline':
      control.startPipeline(slug);
      return;
    case 'finish': {
      const pipelines = handle.groundTruth().pipelines[repoUuid] ?? [];
      const target = pipelines[action.pipeline % Math.max(1, pipelines.length)];
      if (target) tryIt(() => control.finishPipeline(slug, String(target['uuid']), 'FAILED'));
      return;
    }
    default:
      break;
  }
  const id = prCount === 0 ? 1 : 1 + (action.pr % prCount);
  if (action.op === 'editComment') {
    const comments = handle.groundTruth().comments[`${repoUuid}#${id}`] ?? [];
    const target = comments[action.comment % Math.max(1, comments.length)];
    if (target) tryIt(() => control.editComment(slug, id, target['id'] as number, action.deleted ? { deleted: true } : { text: 'Edited by the property test' }));
    return;
  }
  if (action.op === 'update') return tryIt(() => control.updatePullRequest(slug, id, { title: `Retitled ${id}`, pushCommits: action.push }));
  const user = truthIds.members[(action as { user: number }).user % truthIds.members.length] as string;
  switch (action.op) {
    case 'approve':
      return tryIt(() => control.approvePullRequest(slug, id, user));
    case 'unapprove':
      return tryIt(() => control.unapprovePullRequest(slug, id, user));
    case 'requestChanges':
      return tryIt(() => control.requestChanges(slug, id, user));
    case 'comment':
      return void tryIt(() => control.commentOnPullRequest(slug, id, { user }));
    case 'merge':
      return void tryIt(() => control.mergePullRequest(slug, id, user));
    case 'decline':
      return tryIt(() => control.declinePullRequest(slug, id, user));
  }
}

/** What an action may legitimately remove: a withdrawn approval leaves the activity log. */
function mayDisappear(action: Action, id: string): boolean {
  return action.op === 'unapprove' && id.startsWith('activity|') && id.includes('|approval:');
}

function compare(before: Observed, after: Observed, action: Action): string[] {
  const problems: string[] = [...after.duplicates.map((d) => `duplicate ${d}`)];
  for (const [id, value] of before.items) {
    const now = after.items.get(id);
    if (now === undefined) {
      if (!mayDisappear(action, id)) problems.push(`${action.op}: ${id} disappeared`);
    } else if (now !== value) {
      problems.push(`${action.op}: ${id} changed\n  before ${value}\n  after  ${now}`);
    }
  }
  return problems;
}

describe('history never moves (Cloud)', () => {
  it('the issue scenario: merging an open pull request keeps its comments, approvals and single MERGED item', () => {
    const handle = newSimulator(42, 'small');
    const control = handle.control;
    control.advance(3_600_000);
    control.pushCommits('payments-service', { count: 3 });
    const opened = control.openPullRequest('payments-service', { title: 'x' });
    control.commentOnPullRequest('payments-service', opened, { text: 'c' });
    control.approvePullRequest('payments-service', opened);
    const before = observe(handle);
    control.mergePullRequest('payments-service', 18);
    control.requestChanges('payments-service', 18);
    const after = observe(handle);
    expect(compare(before, after, { op: 'advance', ms: 0 })).toEqual([]);
    const uuid = handle.groundTruth().repositories.find((r) => r['slug'] === 'payments-service')?.['uuid'] as string;
    const activity = handle.groundTruth().activity[`${uuid}#18`] ?? [];
    const merged = activity.filter((item) => (item['update'] as Json | undefined)?.['state'] === 'MERGED');
    expect(merged).toHaveLength(1);
  });

  it('adding members does not change who wrote old comments', () => {
    const handle = newSimulator(42);
    const before = observe(handle);
    for (let k = 0; k < 5; k++) handle.control.addMember();
    expect(compare(before, observe(handle), { op: 'member' })).toEqual([]);
  });

  it('random control calls never rewrite what was observed before them, and no item appears twice', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(actionArb, { minLength: 1, maxLength: 12 }), (seed, actions) => {
        const handle = newSimulator(seed);
        let before = observe(handle);
        expect(before.duplicates).toEqual([]);
        for (const action of actions) {
          apply(handle, action);
          const after = observe(handle);
          expect(compare(before, after, action)).toEqual([]);
          before = after;
        }
      }),
      { numRuns: 30 },
    );
  });
});
