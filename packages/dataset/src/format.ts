/**
 * The figures as text: rows for a terminal table and GitHub-flavoured Markdown for the job summary (a
 * figures table, then a Mermaid chart of the weekly series with the same numbers in a table beside it).
 * Bounded in size whatever the data: a fixed number of figures and weeks.
 */
import type { Distribution, Metrics, PeriodFigures } from './metrics.js';

/** `45 min`, `5.2 h`, `3.1 d`; `–` when unknown. */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined || !Number.isFinite(hours)) return '–';
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} d`;
}

function formatRate(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(0)} %`;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

interface FigureLine {
  readonly label: string;
  readonly value: (p: PeriodFigures) => string;
}

const dist = (pick: (p: PeriodFigures) => Distribution) => (p: PeriodFigures) => `${formatHours(pick(p).median)} / ${formatHours(pick(p).p90)}`;

const LINES: readonly FigureLine[] = [
  { label: 'PRs merged', value: (p) => String(p.prs_merged) },
  { label: 'cycle time (median / p90)', value: dist((p) => p.cycle_hours) },
  { label: 'pickup time (median / p90)', value: dist((p) => p.pickup_hours) },
  { label: 'review time (median / p90)', value: dist((p) => p.review_hours) },
  { label: 'deployments per week (production)', value: (p) => formatNumber(p.deployments_per_week) },
  { label: 'lead time for changes (median)', value: (p) => formatHours(p.lead_time_hours.median) },
  { label: 'change failure rate', value: (p) => formatRate(p.change_failure_rate) },
  { label: 'time to restore (median)', value: (p) => formatHours(p.time_to_restore_hours.median) },
];

/** Header and rows of the figures table: figure, last 7 days, the 7 before, last 28 days, the 28 before. */
export function figureRows(metrics: Metrics): { header: string[]; rows: string[][] } {
  const header = ['figure', 'last 7 days', 'previous 7', 'last 28 days', 'previous 28'];
  const rows = LINES.map((line) => [
    line.label,
    line.value(metrics.last_7_days.current),
    line.value(metrics.last_7_days.previous),
    line.value(metrics.last_28_days.current),
    line.value(metrics.last_28_days.previous),
  ]);
  return { header, rows };
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[]): string {
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

/** The Markdown the job summary opens with. */
export function metricsMarkdown(metrics: Metrics): string {
  const { header, rows } = figureRows(metrics);
  const parts: string[] = [];
  parts.push(`### Pull request flow and delivery (as of ${metrics.as_of.slice(0, 16).replace('T', ' ')} UTC)`);
  parts.push(markdownTable(header, rows, ['l', 'r', 'r', 'r', 'r']));
  const weeks = metrics.weekly;
  const days = weeks.map((w) => (w.cycle_hours_median === null ? 0 : Number((w.cycle_hours_median / 24).toFixed(2))));
  const counts = weeks.map((w) => w.prs_merged);
  const top = Math.max(1, ...counts, ...days);
  const chart = [
    '```mermaid',
    'xychart-beta',
    '  title "Weekly: PRs merged (bars), median cycle time in days (line)"',
    `  x-axis [${weeks.map((w) => `"${w.week.slice(5)}"`).join(', ')}]`,
    `  y-axis 0 --> ${Math.ceil(top * 1.1)}`,
    `  bar [${counts.join(', ')}]`,
    `  line [${days.join(', ')}]`,
    '```',
  ].join('\n');
  const weekTable = markdownTable(
    ['week of', 'PRs merged', 'median cycle'],
    weeks.map((w) => [w.week, String(w.prs_merged), formatHours(w.cycle_hours_median)]),
    ['l', 'r', 'r'],
  );
  // A two-cell HTML table puts the chart and its numbers side by side; blank lines let GitHub render the Markdown inside.
  parts.push(`<table><tr><td>\n\n${chart}\n\n</td><td>\n\n${weekTable}\n\n</td></tr></table>`);
  parts.push(
    `<sub>${metrics.totals.pull_requests} pull requests (${metrics.totals.merged_pull_requests} merged), ${metrics.totals.repositories} repositories, ` +
      `${metrics.totals.deployments} deployments in the dataset. Pickup excludes the author and bots; draft time is not counted; ` +
      'DORA figures count production deployments.</sub>',
  );
  return parts.join('\n\n');
}
