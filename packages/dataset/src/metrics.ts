/**
 * The headline figures (the job summary, `metrics.json`, `bbsync metrics`): for the last 7 and 28 days and
 * the period before each, from the views. Windows end at `asOf` (default: the newest `synced_at` in the
 * dataset, so the same data always gives the same figures) and are half-open: (asOf − N days, asOf].
 *
 * Medians average the two middle values (as the views do); p90 is the nearest rank (the value at rank
 * ⌈0.9·n⌉). DORA figures count production deployments only (`environment_type = 'production'`).
 */
import type { DatabaseSync } from 'node:sqlite';

export interface Distribution {
  readonly median: number | null;
  readonly p90: number | null;
  readonly count: number;
}

export interface PeriodFigures {
  /** Exclusive start (ISO). */
  readonly from: string;
  /** Inclusive end (ISO). */
  readonly to: string;
  readonly prs_merged: number;
  readonly cycle_hours: Distribution;
  readonly pickup_hours: Distribution;
  readonly review_hours: Distribution;
  /** Successful production deployments per week. */
  readonly deployments_per_week: number;
  readonly deployments: number;
  readonly failed_deployments: number;
  /** Median commit → successful production deployment, over the commits those deployments shipped. */
  readonly lead_time_hours: Distribution;
  /** (failed + shipped a revert) / finished production deployments; null without deployments. */
  readonly change_failure_rate: number | null;
  /** Median failed production deployment → the next successful one. */
  readonly time_to_restore_hours: Distribution;
}

export interface WeekFigures {
  /** Monday (`YYYY-MM-DD`). */
  readonly week: string;
  readonly prs_merged: number;
  readonly cycle_hours_median: number | null;
}

export interface Metrics {
  readonly version: 1;
  readonly as_of: string;
  readonly source: string | null;
  readonly last_7_days: { readonly current: PeriodFigures; readonly previous: PeriodFigures };
  readonly last_28_days: { readonly current: PeriodFigures; readonly previous: PeriodFigures };
  /** The last 12 weeks (oldest first), the current partial week last. */
  readonly weekly: readonly WeekFigures[];
  readonly totals: { readonly repositories: number; readonly pull_requests: number; readonly merged_pull_requests: number; readonly deployments: number };
}

export interface MetricsOptions {
  /** The end of the windows. @default the newest synced_at in the dataset (else now) */
  readonly asOf?: Date | undefined;
  /** Weeks in `weekly`. @default 12 */
  readonly weeks?: number | undefined;
}

const DAY_MS = 86_400_000;

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function p90(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = sorted(values);
  return s[Math.ceil(0.9 * s.length) - 1] as number;
}

function distribution(values: readonly (number | null)[]): Distribution {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return { median: median(present), p90: p90(present), count: present.length };
}

/** Deployments to production with their time, in a form both the window figures and restores use. */
const PRODUCTION_DEPLOYS = `
  SELECT d.source, d.key, d.repository_id, d.environment, d.state, coalesce(d.completed_at, d.started_at) AS at,
         lag(d.state) OVER w AS previous_state,
         min(CASE WHEN d.state = 'SUCCESSFUL' THEN coalesce(d.completed_at, d.started_at) END) OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_success_at
  FROM deployments d
  WHERE d.environment_type = 'production' AND d.state IN ('SUCCESSFUL', 'FAILED') AND coalesce(d.completed_at, d.started_at) IS NOT NULL
  WINDOW w AS (PARTITION BY d.source, d.repository_id, d.environment ORDER BY coalesce(d.completed_at, d.started_at), d.key)`;

interface FlowRow {
  readonly week: string;
  readonly merged_at: string;
  readonly cycle_hours: number | null;
  readonly pickup_hours: number | null;
  readonly review_hours: number | null;
}

function period(db: DatabaseSync, allFlows: readonly FlowRow[], from: string, to: string, days: number): PeriodFigures {
  const flows = allFlows.filter((f) => f.merged_at > from && f.merged_at <= to);
  const deploys = db
    .prepare(
      `WITH p AS (${PRODUCTION_DEPLOYS})
       SELECT p.state,
              EXISTS (SELECT 1 FROM deployment_commits dc JOIN commits c ON c.source = dc.source AND c.repository_id = dc.repository_id AND c.hash = dc.hash
                      WHERE dc.source = p.source AND dc.deployment_key = p.key AND c.is_revert = 1) AS with_revert
       FROM p WHERE p.at > ? AND p.at <= ?`,
    )
    .all(from, to) as { state: string; with_revert: number }[];
  const leads = db
    .prepare(
      `WITH p AS (${PRODUCTION_DEPLOYS})
       SELECT (unixepoch(p.at, 'subsec') - unixepoch(coalesce(c.committed_at, c.authored_at), 'subsec')) / 3600.0 AS hours
       FROM p JOIN deployment_commits dc ON dc.source = p.source AND dc.deployment_key = p.key
       JOIN commits c ON c.source = dc.source AND c.repository_id = dc.repository_id AND c.hash = dc.hash
       WHERE p.state = 'SUCCESSFUL' AND p.at > ? AND p.at <= ?`,
    )
    .all(from, to) as { hours: number | null }[];
  const restores = db
    .prepare(
      `WITH p AS (${PRODUCTION_DEPLOYS})
       SELECT (unixepoch(f.next_success_at, 'subsec') - unixepoch(f.at, 'subsec')) / 3600.0 AS hours
       FROM p f WHERE f.state = 'FAILED' AND (f.previous_state IS NULL OR f.previous_state = 'SUCCESSFUL') AND f.at > ? AND f.at <= ?`,
    )
    .all(from, to) as { hours: number | null }[];
  const successful = deploys.filter((d) => d.state === 'SUCCESSFUL').length;
  const failed = deploys.filter((d) => d.state === 'FAILED').length;
  const withRevert = deploys.filter((d) => d.state === 'SUCCESSFUL' && d.with_revert === 1).length;
  return {
    from,
    to,
    prs_merged: flows.length,
    cycle_hours: distribution(flows.map((f) => f.cycle_hours)),
    pickup_hours: distribution(flows.map((f) => f.pickup_hours)),
    review_hours: distribution(flows.map((f) => f.review_hours)),
    deployments_per_week: successful / (days / 7),
    deployments: deploys.length,
    failed_deployments: failed,
    lead_time_hours: distribution(leads.map((l) => l.hours)),
    change_failure_rate: deploys.length === 0 ? null : (failed + withRevert) / deploys.length,
    time_to_restore_hours: distribution(restores.map((r) => r.hours)),
  };
}

function newestSync(db: DatabaseSync): string | null {
  const row = db
    .prepare(
      `SELECT max(t) AS t FROM (SELECT max(synced_at) AS t FROM repositories UNION ALL SELECT max(synced_at) FROM pull_requests
       UNION ALL SELECT max(synced_at) FROM deployments UNION ALL SELECT max(synced_at) FROM commits)`,
    )
    .get() as { t: string | null };
  return row.t;
}

function count(db: DatabaseSync, sql: string): number {
  return (db.prepare(sql).get() as { n: number }).n;
}

/** Monday 00:00 UTC of a time's week. */
function mondayOf(ms: number): number {
  const day = new Date(ms);
  const start = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  return start - ((day.getUTCDay() + 6) % 7) * DAY_MS;
}

export function computeMetrics(db: DatabaseSync, options: MetricsOptions = {}): Metrics {
  const asOfMs = options.asOf?.getTime() ?? Date.parse(newestSync(db) ?? new Date().toISOString());
  const iso = (ms: number) => new Date(ms).toISOString();
  const weeks = options.weeks ?? 12;
  const firstWeek = mondayOf(asOfMs) - (weeks - 1) * 7 * DAY_MS;
  // The view is evaluated once for every window (a filter on it is not pushed below its window functions).
  const flows = db
    .prepare('SELECT week, merged_at, cycle_hours, pickup_hours, review_hours FROM pr_flow WHERE merged_at >= ? AND merged_at <= ?')
    .all(iso(Math.min(firstWeek, asOfMs - 56 * DAY_MS)), iso(asOfMs)) as unknown as FlowRow[];
  const window = (days: number) => ({
    current: period(db, flows, iso(asOfMs - days * DAY_MS), iso(asOfMs), days),
    previous: period(db, flows, iso(asOfMs - 2 * days * DAY_MS), iso(asOfMs - days * DAY_MS), days),
  });
  const byWeek = new Map<string, number[]>();
  for (const row of flows) {
    if (row.merged_at < iso(firstWeek) || row.cycle_hours === null) continue;
    const list = byWeek.get(row.week) ?? [];
    list.push(row.cycle_hours);
    byWeek.set(row.week, list);
  }
  const weekly: WeekFigures[] = [];
  for (let i = 0; i < weeks; i++) {
    const week = iso(firstWeek + i * 7 * DAY_MS).slice(0, 10);
    const cycles = byWeek.get(week) ?? [];
    weekly.push({ week, prs_merged: cycles.length, cycle_hours_median: median(cycles) });
  }
  const source = (db.prepare('SELECT source FROM repositories UNION SELECT source FROM pull_requests LIMIT 1').get() as { source: string } | undefined)?.source ?? null;
  return {
    version: 1,
    as_of: iso(asOfMs),
    source,
    last_7_days: window(7),
    last_28_days: window(28),
    weekly,
    totals: {
      repositories: count(db, 'SELECT count(*) AS n FROM repositories'),
      pull_requests: count(db, 'SELECT count(*) AS n FROM pull_requests'),
      merged_pull_requests: count(db, "SELECT count(*) AS n FROM pull_requests WHERE state = 'merged'"),
      deployments: count(db, 'SELECT count(*) AS n FROM deployments'),
    },
  };
}
