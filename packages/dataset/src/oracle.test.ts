/**
 * The metrics against an oracle that shares none of their code: a scripted scenario of hand-written records at
 * exact times (test-support/scenario.ts), whose expected figures below were worked out by hand from the times.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset, openDataset } from './build.js';
import { computeMetrics } from './metrics.js';
import { AS_OF, H, REPO, scenarioRecords, writeSnapshot } from './test-support/scenario.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bbsync-dataset-oracle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function build(withEvents: boolean): Promise<string> {
  const name = withEvents ? 'events' : 'activity';
  const snapshot = await writeSnapshot(join(dir, `snapshot-${name}`), scenarioRecords({ withEvents }));
  const out = join(dir, `${name}.sqlite`);
  await buildDataset({ inputs: [snapshot], out });
  return out;
}

/** Per merged PR, by hand: [coding, draft, pickup, review, merge-to-deploy, cycle] in hours. */
const FLOW: Record<number, [number, number, number | null, number | null, number | null, number]> = {
  // c1a 08:00 → opened 10:00; bot approval 10:30 and Alice's own comment 11:00 do not count; Bob 14:00; merged 20:00; D1 Feb 25 00:00.
  1: [2, 0, 4, 6, 28, 12],
  // c2a 06:00 → opened 09:00 as draft; ready 15:00 (6 h draft); Carol 17:00; merged 21:00; D1 00:00; cycle 15 h − 6 h.
  2: [3, 6, 2, 4, 3, 9],
  // c3a 10:00 → opened 11:00; only the bot; merged 13:00; D2 failed, D3 (18:00) shipped it.
  3: [1, 0, null, null, 5, 3],
  // c4b 09:00 (c4a force-pushed away) → opened 10:00; Bob requests changes 13:00; merged 18:00; D4 Feb 27 12:00.
  4: [1, 0, 3, 5, 18, 9],
  // r5 09:00 → opened 09:30; Bob 10:00; merged 10:30; D4 12:00.
  5: [0.5, 0, 0.5, 0.5, 1.5, 1.5],
  // No commits known; opened 10:00; Carol 11:00; merged 14:00; its merge commit was never deployed.
  8: [0, 0, 1, 3, null, 4],
};

function expectFlow(path: string, numbers: readonly number[]): void {
  const db = openDataset(path);
  try {
    const rows = db.prepare('SELECT number, coding_hours, draft_hours, pickup_hours, review_hours, merge_to_deploy_hours, cycle_hours FROM pr_flow ORDER BY number').all() as Record<string, number | null>[];
    expect(rows.map((r) => r['number'])).toEqual(numbers);
    for (const row of rows) {
      const expected = FLOW[row['number'] as number] as (number | null)[];
      const actual = [row['coding_hours'], row['draft_hours'], row['pickup_hours'], row['review_hours'], row['merge_to_deploy_hours'], row['cycle_hours']];
      actual.forEach((value, i) => {
        if (expected[i] === null) expect(value, `PR ${row['number']} column ${i}`).toBeNull();
        else expect(value, `PR ${row['number']} column ${i}`).toBeCloseTo(expected[i] as number, 6);
      });
    }
  } finally {
    db.close();
  }
}

describe('oracle scenario (pull_request_events and deployments streams)', () => {
  let path: string;
  beforeAll(async () => {
    path = await build(true);
  });

  it('pr_flow has the hand-computed phases of every merged pull request', () => {
    expectFlow(path, [1, 2, 3, 4, 5, 8]);
  });

  it('the headline figures equal the hand-computed ones for 7 and 28 days and the periods before', () => {
    const db = openDataset(path);
    const m = computeMetrics(db, { asOf: new Date(AS_OF) });
    db.close();
    const week = m.last_7_days.current;
    expect(week.prs_merged).toBe(5);
    // cycles 12, 9, 3, 9, 1.5 → sorted 1.5, 3, 9, 9, 12
    expect(week.cycle_hours).toEqual({ median: 9, p90: 12, count: 5 });
    // pickups 4, 2, 3, 0.5 (PR 3 had no review) → median (2 + 3) / 2, p90 = 4th of 4
    expect(week.pickup_hours.median).toBeCloseTo(2.5, 6);
    expect(week.pickup_hours.p90).toBeCloseTo(4, 6);
    expect(week.review_hours.median).toBeCloseTo(4.5, 6);
    expect(week.review_hours.p90).toBeCloseTo(6, 6);
    // production: D1, D3, D4 successful, D2 failed; D4 shipped a revert
    expect(week.deployments).toBe(4);
    expect(week.failed_deployments).toBe(1);
    expect(week.deployments_per_week).toBe(3);
    expect(week.change_failure_rate).toBeCloseTo(0.5, 9);
    // lead times of the 12 commits D1 (Feb 25 00:00: m2 3, c2a 18, m1 28, c1a 40), D3 (18:00: f1 1, m3 5, c3a 8) and
    // D4 (Feb 27 12:00: m5 1.5, r5 3, m4 18, c4c 24, c4b 27) shipped: 1, 1.5, 3, 3, 5, 8, 18, 18, 24, 27, 28, 40
    expect(week.lead_time_hours.median).toBeCloseTo(13, 6);
    expect(week.lead_time_hours.p90).toBeCloseTo(28, 6);
    expect(week.lead_time_hours.count).toBe(12);
    // D2 failed at 16:00, D3 restored at 18:00
    expect(week.time_to_restore_hours.median).toBeCloseTo(2, 6);

    const before = m.last_7_days.previous;
    expect(before.prs_merged).toBe(1);
    expect(before.cycle_hours.median).toBeCloseTo(4, 6);
    expect(before.deployments).toBe(1);
    expect(before.deployments_per_week).toBe(1);
    expect(before.change_failure_rate).toBe(0);
    expect(before.lead_time_hours.median).toBeCloseTo(1, 6);

    const month = m.last_28_days.current;
    expect(month.prs_merged).toBe(6);
    // 1.5, 3, 4, 9, 9, 12
    expect(month.cycle_hours.median).toBeCloseTo(6.5, 6);
    expect(month.cycle_hours.p90).toBeCloseTo(12, 6);
    expect(month.deployments).toBe(5);
    expect(month.deployments_per_week).toBe(1);
    expect(month.change_failure_rate).toBeCloseTo(0.4, 9);
    // the 12 above plus b0 (1 h): the 7th of 13
    expect(month.lead_time_hours.median).toBeCloseTo(8, 6);
    expect(m.last_28_days.previous.prs_merged).toBe(0);
    expect(m.last_28_days.previous.cycle_hours.median).toBeNull();

    expect(m.weekly.length).toBe(12);
    expect(m.weekly.at(-1)).toEqual({ week: '2026-02-23', prs_merged: 5, cycle_hours_median: 9 });
    expect(m.weekly.at(-2)).toEqual({ week: '2026-02-16', prs_merged: 1, cycle_hours_median: 4 });
    expect(m.weekly.slice(0, -2).every((w) => w.prs_merged === 0)).toBe(true);
    expect(m.totals).toEqual({ repositories: 1, pull_requests: 8, merged_pull_requests: 6, deployments: 6 });
  });

  it('dora_weekly and review_load have the hand-computed rows', () => {
    const db = openDataset(path);
    try {
      const dora = db.prepare("SELECT week, environment, deployments, successful, failed, deployments_with_revert, change_failure_rate, commits_shipped, lead_time_median_hours, time_to_restore_median_hours FROM dora_weekly ORDER BY week, environment").all();
      expect(dora).toEqual([
        { week: '2026-02-16', environment: 'production', deployments: 1, successful: 1, failed: 0, deployments_with_revert: 0, change_failure_rate: 0, commits_shipped: 1, lead_time_median_hours: expect.closeTo(1, 6), time_to_restore_median_hours: null },
        { week: '2026-02-23', environment: 'production', deployments: 4, successful: 3, failed: 1, deployments_with_revert: 1, change_failure_rate: 0.5, commits_shipped: 12, lead_time_median_hours: expect.closeTo(13, 6), time_to_restore_median_hours: expect.closeTo(2, 6) },
        // the first staging deployment shipped all of m4's history: b0 … m4 (11 commits)
        { week: '2026-02-23', environment: 'staging', deployments: 1, successful: 1, failed: 0, deployments_with_revert: 0, change_failure_rate: 0, commits_shipped: 11, lead_time_median_hours: expect.any(Number), time_to_restore_median_hours: null },
      ]);
      const load = db.prepare('SELECT week, reviewer, reviews, approvals, changes_requested, comments, pull_requests FROM review_load ORDER BY week, reviewer').all();
      expect(load).toEqual([
        { week: '2026-02-16', reviewer: 'Carol', reviews: 0, approvals: 0, changes_requested: 0, comments: 1, pull_requests: 1 },
        // Bob: PR 1 comment + approval, PR 4 change request + approval, PR 5 approval, PR 6 comment
        { week: '2026-02-23', reviewer: 'Bob', reviews: 4, approvals: 3, changes_requested: 1, comments: 2, pull_requests: 4 },
        { week: '2026-02-23', reviewer: 'Carol', reviews: 1, approvals: 1, changes_requested: 0, comments: 0, pull_requests: 1 },
      ]);
      const shipped = db.prepare("SELECT hash FROM deployment_commits WHERE deployment_key = ? ORDER BY hash").all(`${REPO}:d3`).map((r) => (r as { hash: string }).hash);
      expect(shipped).toEqual([H['f1'], H['m3'], H['c3a']].sort());
      const users = db.prepare('SELECT display_name, is_bot FROM users ORDER BY display_name').all();
      expect(users).toEqual([
        { display_name: 'Alice', is_bot: 0 },
        { display_name: 'Bob', is_bot: 0 },
        { display_name: 'Carol', is_bot: 0 },
        { display_name: 'ci-bot', is_bot: 1 },
      ]);
      const reviews = db.prepare('SELECT count(*) AS n, sum(is_bot) AS bots FROM pull_request_reviews').get();
      expect(reviews).toEqual({ n: 7, bots: 2 });
    } finally {
      db.close();
    }
  });
});

describe('oracle scenario without pull_request_events (timeline from the Cloud activity stream)', () => {
  it('pr_flow has the same phases for the pull requests without drafts', async () => {
    const path = await build(false);
    const db = openDataset(path);
    const draftRow = db.prepare('SELECT pickup_hours, cycle_hours FROM pr_flow WHERE number = 2').get() as { pickup_hours: number; cycle_hours: number };
    db.close();
    // The activity stream has no draft events: PR 2's pickup runs from its opening (09:00 → 17:00) and its cycle keeps the draft time.
    expect(draftRow.pickup_hours).toBeCloseTo(8, 6);
    expect(draftRow.cycle_hours).toBeCloseTo(15, 6);
    const withoutDraft = [1, 3, 4, 5, 8];
    const db2 = openDataset(path);
    const numbers = (db2.prepare('SELECT number FROM pr_flow ORDER BY number').all() as { number: number }[]).map((r) => r.number);
    db2.close();
    expect(numbers).toEqual([1, 2, 3, 4, 5, 8]);
    // Compare the rest against the same hand-computed table.
    const db3 = openDataset(path);
    for (const number of withoutDraft) {
      const row = db3.prepare('SELECT coding_hours, draft_hours, pickup_hours, review_hours, merge_to_deploy_hours, cycle_hours FROM pr_flow WHERE number = ?').get(number) as Record<string, number | null>;
      const expected = FLOW[number] as (number | null)[];
      Object.values(row).forEach((value, i) => {
        if (expected[i] === null) expect(value, `PR ${number} column ${i}`).toBeNull();
        else expect(value, `PR ${number} column ${i}`).toBeCloseTo(expected[i] as number, 6);
      });
    }
    db3.close();
  });
});
