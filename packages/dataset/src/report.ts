/**
 * `report.html`: the figures as pictures, in one self-contained file (Chart.js and the data inlined, no request
 * of any kind, a Content-Security-Policy that allows only this file's own script and style by hash). Everything
 * is aggregated here, from the same views as the job summary, so the page only slices and draws: the overview's
 * figures are `computeMetrics`'s, to the digit.
 */
import { createHash } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { chartLibrarySource } from './chart-library.js';
import { figureRows } from './format.js';
import { computeMetrics, median, p90, type Metrics } from './metrics.js';
import { REPORT_SCRIPT, REPORT_STYLE } from './report-page.js';

/** One sync run, for the sync health page (from its manifest). */
export interface RunHealth {
  readonly run: string;
  readonly finished_at: string;
  readonly status: string;
  readonly requests: number;
  /** The request budget, when one was set. */
  readonly budget?: number | null | undefined;
  readonly failed_partitions: number;
}

export interface ReportOptions {
  readonly title?: string | undefined;
  readonly asOf?: Date | undefined;
  /** Weeks of history in the charts. @default 26 */
  readonly weeks?: number | undefined;
  readonly runs?: readonly RunHealth[] | undefined;
}

type Series = (number | null)[];

interface FlowSeries {
  merged: number[];
  cycle_median: Series;
  cycle_p90: Series;
  coding_median: Series;
  pickup_median: Series;
  review_median: Series;
  histogram: number[];
}

export interface ReportData {
  readonly title: string;
  readonly as_of: string;
  readonly source: string | null;
  readonly metrics: Metrics;
  readonly figures: { readonly header: string[]; readonly rows: string[][] };
  readonly weeks: string[];
  readonly repositories: { id: string; name: string }[];
  /** Per repository id, and `*` for all. */
  readonly flow: Record<string, FlowSeries>;
  readonly histogram_buckets: string[];
  readonly slowest_open: { repository: string; number: number; title: string; url: string | null; author: string | null; age_days: number }[];
  readonly reviewers: { name: string; reviews: number[] }[];
  readonly deployments: { environment: string; successful: number[]; failed: number[] }[];
  readonly production: { lead_time_median: Series; change_failure_rate: Series };
  readonly failed_deployments: { repository: string; environment: string; failed_at: string; restored_at: string | null; hours: number | null }[];
  readonly runs: readonly RunHealth[];
}

const DAY_MS = 86_400_000;
const HISTOGRAM_HOURS = [4, 24, 72, 168, 336];
const HISTOGRAM_LABELS = ['< 4 h', '4–24 h', '1–3 d', '3–7 d', '1–2 weeks', '> 2 weeks'];

function mondayOf(ms: number): number {
  const day = new Date(ms);
  const start = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  return start - ((day.getUTCDay() + 6) % 7) * DAY_MS;
}

function emptyFlow(weeks: number): FlowSeries {
  const nulls = () => Array.from({ length: weeks }, () => null);
  return { merged: Array(weeks).fill(0), cycle_median: nulls(), cycle_p90: nulls(), coding_median: nulls(), pickup_median: nulls(), review_median: nulls(), histogram: Array(HISTOGRAM_LABELS.length).fill(0) };
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}

/** Aggregates everything the page shows. */
export function reportData(db: DatabaseSync, options: ReportOptions = {}): ReportData {
  const metrics = computeMetrics(db, { asOf: options.asOf });
  const asOfMs = Date.parse(metrics.as_of);
  const weekCount = options.weeks ?? 26;
  const first = mondayOf(asOfMs) - (weekCount - 1) * 7 * DAY_MS;
  const weeks = Array.from({ length: weekCount }, (_, i) => new Date(first + i * 7 * DAY_MS).toISOString().slice(0, 10));
  const index = new Map(weeks.map((w, i) => [w, i]));
  const fromIso = new Date(first).toISOString();
  const toIso = metrics.as_of;

  // Phases per repository and week: one pass over the merged pull requests of the window.
  const buckets = new Map<string, { cycle: number[]; coding: number[]; pickup: number[]; review: number[] }[]>();
  const add = (repository: string, week: number, row: Record<string, number | null>) => {
    let list = buckets.get(repository);
    if (list === undefined) buckets.set(repository, (list = weeks.map(() => ({ cycle: [], coding: [], pickup: [], review: [] }))));
    const bucket = list[week] as { cycle: number[]; coding: number[]; pickup: number[]; review: number[] };
    if (row['cycle_hours'] !== null) bucket.cycle.push(row['cycle_hours'] as number);
    if (row['coding_hours'] !== null) bucket.coding.push(row['coding_hours'] as number);
    if (row['pickup_hours'] !== null) bucket.pickup.push(row['pickup_hours'] as number);
    if (row['review_hours'] !== null) bucket.review.push(row['review_hours'] as number);
  };
  const flowRows = db.prepare('SELECT repository_id, week, coding_hours, pickup_hours, review_hours, cycle_hours FROM pr_flow WHERE merged_at > ? AND merged_at <= ?').iterate(fromIso, toIso);
  for (const row of flowRows as Iterable<Record<string, number | null> & { repository_id: string; week: string }>) {
    const week = index.get(row.week);
    if (week === undefined) continue;
    add('*', week, row);
    add(row.repository_id, week, row);
  }
  const flow: Record<string, FlowSeries> = {};
  for (const [repository, list] of buckets) {
    const series = emptyFlow(weekCount);
    list.forEach((b, i) => {
      series.merged[i] = b.cycle.length;
      series.cycle_median[i] = round(median(b.cycle));
      series.cycle_p90[i] = round(p90(b.cycle));
      series.coding_median[i] = round(median(b.coding));
      series.pickup_median[i] = round(median(b.pickup));
      series.review_median[i] = round(median(b.review));
      for (const hours of b.cycle) {
        const slot = HISTOGRAM_HOURS.findIndex((limit) => hours < limit);
        const at = slot === -1 ? HISTOGRAM_HOURS.length : slot;
        series.histogram[at] = (series.histogram[at] ?? 0) + 1;
      }
    });
    flow[repository] = series;
  }
  if (flow['*'] === undefined) flow['*'] = emptyFlow(weekCount);

  const repositories = (db.prepare('SELECT key AS id, coalesce(full_name, slug, key) AS name FROM repositories ORDER BY name').all() as { id: string; name: string }[]).filter((r) => flow[r.id] !== undefined);

  const slowest = db
    .prepare(
      `SELECT coalesce(r.full_name, p.repository_id) AS repository, r.url AS repository_url, r.source, p.number, p.title, u.display_name AS author, p.created_at
       FROM pull_requests p LEFT JOIN repositories r ON r.source = p.source AND r.key = p.repository_id
       LEFT JOIN users u ON u.source = p.source AND u.user_id = p.author_id
       WHERE p.state = 'open' AND p.created_at <= ? ORDER BY p.created_at LIMIT 20`,
    )
    .all(toIso) as { repository: string; repository_url: string | null; source: string; number: number; title: string; author: string | null; created_at: string }[];
  const slowest_open = slowest.map((p) => ({
    repository: p.repository,
    number: p.number,
    title: p.title,
    // Cloud: <repository>/pull-requests/<n>; Data Center: the repository's …/browse page → …/pull-requests/<n>.
    // Only web links: a repository URL is API data, and the page must not turn data into a script.
    url: p.repository_url === null || !/^https?:\/\//i.test(p.repository_url) ? null : `${p.repository_url.replace(/\/browse$/, '')}/pull-requests/${p.number}`,
    author: p.author,
    age_days: Math.round(((asOfMs - Date.parse(p.created_at)) / DAY_MS) * 10) / 10,
  }));

  const reviewRows = db.prepare('SELECT week, coalesce(reviewer, reviewer_id) AS name, reviews + comments AS n FROM review_load WHERE week >= ?').all(weeks[0] as string) as { week: string; name: string; n: number }[];
  const byReviewer = new Map<string, number[]>();
  for (const row of reviewRows) {
    const week = index.get(row.week);
    if (week === undefined) continue;
    let list = byReviewer.get(row.name);
    if (list === undefined) byReviewer.set(row.name, (list = Array(weekCount).fill(0)));
    list[week] = (list[week] ?? 0) + row.n;
  }
  const reviewers = [...byReviewer.entries()]
    .map(([name, reviews]) => ({ name, reviews, total: reviews.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name))
    .slice(0, 8)
    .map(({ name, reviews }) => ({ name, reviews }));

  const doraRows = db.prepare('SELECT week, environment, environment_type, successful, failed, change_failure_rate, lead_time_median_hours FROM dora_weekly WHERE week >= ?').all(weeks[0] as string) as {
    week: string; environment: string; environment_type: string | null; successful: number; failed: number; change_failure_rate: number; lead_time_median_hours: number | null;
  }[];
  const environments = new Map<string, { successful: number[]; failed: number[] }>();
  const production = { lead_time_median: Array<number | null>(weekCount).fill(null), change_failure_rate: Array<number | null>(weekCount).fill(null) };
  for (const row of doraRows) {
    const week = index.get(row.week);
    if (week === undefined) continue;
    let env = environments.get(row.environment);
    if (env === undefined) environments.set(row.environment, (env = { successful: Array(weekCount).fill(0), failed: Array(weekCount).fill(0) }));
    env.successful[week] = (env.successful[week] ?? 0) + row.successful;
    env.failed[week] = (env.failed[week] ?? 0) + row.failed;
    if (row.environment_type === 'production') {
      production.lead_time_median[week] = round(row.lead_time_median_hours);
      production.change_failure_rate[week] = round(row.change_failure_rate);
    }
  }
  const failed = db
    .prepare(
      `SELECT coalesce(r.full_name, f.repository_id) AS repository, f.environment, coalesce(f.completed_at, f.started_at) AS failed_at,
              (SELECT min(coalesce(s.completed_at, s.started_at)) FROM deployments s WHERE s.source = f.source AND s.repository_id = f.repository_id
                 AND s.environment = f.environment AND s.state = 'SUCCESSFUL' AND coalesce(s.completed_at, s.started_at) > coalesce(f.completed_at, f.started_at)) AS restored_at
       FROM deployments f LEFT JOIN repositories r ON r.source = f.source AND r.key = f.repository_id
       WHERE f.state = 'FAILED' AND coalesce(f.completed_at, f.started_at) > ? ORDER BY failed_at DESC LIMIT 20`,
    )
    .all(fromIso) as { repository: string; environment: string; failed_at: string; restored_at: string | null }[];

  return {
    title: options.title ?? 'bbsync report',
    as_of: metrics.as_of,
    source: metrics.source,
    metrics,
    figures: figureRows(metrics),
    weeks,
    repositories,
    flow,
    histogram_buckets: HISTOGRAM_LABELS,
    slowest_open,
    reviewers,
    deployments: [...environments.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([environment, s]) => ({ environment, ...s })),
    production,
    failed_deployments: failed.map((f) => ({ ...f, hours: f.restored_at === null ? null : round((Date.parse(f.restored_at) - Date.parse(f.failed_at)) / 3_600_000) })),
    runs: options.runs ?? [],
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The whole page. */
export function renderReport(data: ReportData): string {
  const script = `${chartLibrarySource()}\n${REPORT_SCRIPT}`;
  // JSON in a data block: `<` escaped so no text in the data can close the element.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const csp = `default-src 'none'; script-src ${sha256(script)}; style-src ${sha256(REPORT_STYLE)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const figureCells = (row: string[]) => row.map((cell, i) => (i === 0 ? `<th scope="row">${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell)}</td>`)).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header>
  <h1>${escapeHtml(data.title)}</h1>
  <p class="meta">${escapeHtml(data.source ?? 'no data')} · as of ${escapeHtml(data.as_of.slice(0, 16).replace('T', ' '))} UTC</p>
  <nav aria-label="Pages"><a href="#overview">Overview</a><a href="#flow">Pull request flow</a><a href="#reviews">Reviews</a><a href="#deployments">Deployments</a><a href="#health">Sync health</a></nav>
  <form class="filters" aria-label="Filters">
    <label>Repository <select id="filter-repository"><option value="*">all repositories</option></select></label>
    <label>Period <select id="filter-weeks"><option value="4">4 weeks</option><option value="12" selected>12 weeks</option><option value="26">26 weeks</option></select></label>
  </form>
</header>
<main>
<section id="overview">
  <h2>Overview</h2>
  <table class="figures" id="figures"><thead><tr>${data.figures.header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
  <tbody>${data.figures.rows.map((row) => `<tr>${figureCells(row)}</tr>`).join('')}</tbody></table>
  <figure><canvas id="chart-overview" role="img" aria-label="Pull requests merged per week and median cycle time"></canvas><figcaption>Pull requests merged per week (bars) and median cycle time in hours (dashed line).</figcaption></figure>
</section>
<section id="flow">
  <h2>Pull request flow</h2>
  <figure><canvas id="chart-phases" role="img" aria-label="Median time per phase per week, and p90 cycle time"></canvas><figcaption>Median coding, pickup and review time per week (stacked, hours) and p90 cycle time (dashed line).</figcaption></figure>
  <figure><canvas id="chart-distribution" role="img" aria-label="Distribution of cycle time"></canvas><figcaption>Cycle time of the pull requests merged in the last ${data.weeks.length} weeks.</figcaption></figure>
  <h3>Oldest open pull requests</h3>
  <table id="slowest-open"><thead><tr><th scope="col">repository</th><th scope="col">#</th><th scope="col">title</th><th scope="col">author</th><th scope="col">open for (days)</th></tr></thead><tbody></tbody></table>
</section>
<section id="reviews">
  <h2>Reviews</h2>
  <figure><canvas id="chart-reviewers" role="img" aria-label="Reviews and comments per reviewer per week"></canvas><figcaption>Reviews and comments on other people's pull requests, per reviewer and week (the 8 most active; all repositories).</figcaption></figure>
  <figure><canvas id="chart-first-review" role="img" aria-label="Median time to first review per week"></canvas><figcaption>Median time to first review (pickup), hours.</figcaption></figure>
</section>
<section id="deployments">
  <h2>Deployments</h2>
  <figure><canvas id="chart-deployments" role="img" aria-label="Deployments per week per environment"></canvas><figcaption>Successful and failed (hatched) deployments per week and environment (all repositories).</figcaption></figure>
  <figure><canvas id="chart-dora" role="img" aria-label="Lead time and change failure rate per week"></canvas><figcaption>Production: median lead time for changes (hours, solid) and change failure rate (%, dashed).</figcaption></figure>
  <h3>Failed deployments and their recovery</h3>
  <table id="failed-deployments"><thead><tr><th scope="col">repository</th><th scope="col">environment</th><th scope="col">failed</th><th scope="col">restored</th><th scope="col">hours</th></tr></thead><tbody></tbody></table>
</section>
<section id="health">
  <h2>Sync health</h2>
  <figure><canvas id="chart-health" role="img" aria-label="API requests per run against the budget"></canvas><figcaption>API requests per run (bars) against the request budget (dashed line) and failed partitions.</figcaption></figure>
  <table id="runs"><thead><tr><th scope="col">run</th><th scope="col">finished</th><th scope="col">status</th><th scope="col">requests</th><th scope="col">budget</th><th scope="col">failed partitions</th></tr></thead><tbody></tbody></table>
</section>
</main>
<script type="application/json" id="report-data">${json}</script>
<script>${script}</script>
</body>
</html>
`;
}

/** Aggregates and renders in one call. */
export function buildReport(db: DatabaseSync, options: ReportOptions = {}): string {
  return renderReport(reportData(db, options));
}
