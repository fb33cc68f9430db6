/**
 * The views: the questions people ask of the dataset, in SQL, so every client (the CLI, the job summary, a
 * notebook, a BI tool) gets the same answer. Durations are hours (REAL); weeks start on Monday (`YYYY-MM-DD`).
 */

/** The Monday of a time's week. */
const week = (time: string) => `date(${time}, 'weekday 0', '-6 days')`;
/** Hours from `a` to `b`. */
const hours = (a: string, b: string) => `((unixepoch(${b}, 'subsec') - unixepoch(${a}, 'subsec')) / 3600.0)`;

export interface ViewDefinition {
  readonly name: string;
  readonly description: string;
  readonly columns: readonly { readonly name: string; readonly description: string }[];
  readonly sql: string;
}

const PR_FLOW = `
CREATE VIEW pr_flow AS
WITH merged AS (
  SELECT p.source, p.key, p.repository_id, p.number, p.title, p.author_id, p.created_at, p.merged_at,
         coalesce(p.merge_commit, p.source_commit) AS shipped_commit
  FROM pull_requests p
  WHERE p.state = 'merged' AND p.merged_at IS NOT NULL
),
first_commits AS (
  SELECT c.source, c.pull_request_key AS key, min(c.authored_at) AS first_commit_at
  FROM pull_request_commits c
  GROUP BY c.source, c.pull_request_key
),
draft_marks AS (
  SELECT e.source, e.pull_request_key AS key, e.kind, e.at,
         lag(e.kind) OVER w AS previous_kind, lag(e.at) OVER w AS previous_at
  FROM pull_request_events e
  WHERE e.kind IN ('draft', 'ready_for_review')
  WINDOW w AS (PARTITION BY e.source, e.pull_request_key ORDER BY e.at, e.key)
),
drafts AS (
  -- Each ready_for_review ends a draft period: from the draft event before it, or from the opening when
  -- the pull request was opened as a draft (no draft event before it).
  SELECT d.source, d.key, min(d.at) AS ready_at,
         sum(CASE WHEN d.previous_kind = 'draft' THEN max(0, ${hours('d.previous_at', 'd.at')})
                  WHEN d.previous_kind IS NULL THEN max(0, ${hours('m.created_at', 'd.at')})
                  ELSE 0 END) AS draft_hours
  FROM draft_marks d JOIN merged m ON m.source = d.source AND m.key = d.key
  WHERE d.kind = 'ready_for_review' AND d.at <= m.merged_at
  GROUP BY d.source, d.key
),
starts AS (
  SELECT m.*, f.first_commit_at, coalesce(d.ready_at, m.created_at) AS ready_at, coalesce(d.draft_hours, 0) AS draft_hours
  FROM merged m
  LEFT JOIN first_commits f ON f.source = m.source AND f.key = m.key
  LEFT JOIN drafts d ON d.source = m.source AND d.key = m.key
),
responses AS (
  -- The first comment, approval or change request by someone other than the author and not a bot,
  -- once the pull request was ready for review.
  SELECT s.source, s.key, min(e.at) AS first_response_at
  FROM starts s JOIN pull_request_events e ON e.source = s.source AND e.pull_request_key = s.key
  WHERE e.kind IN ('commented', 'approved', 'changes_requested')
    AND e.actor_id IS NOT NULL AND coalesce(e.is_author, 0) = 0 AND coalesce(e.is_bot, 0) = 0
    AND e.at >= s.ready_at AND e.at <= s.merged_at
  GROUP BY s.source, s.key
),
deploys AS (
  SELECT s.source, s.key, min(coalesce(d.completed_at, d.started_at)) AS deployed_at
  FROM starts s
  JOIN deployment_commits dc ON dc.source = s.source AND dc.repository_id = s.repository_id AND dc.hash = s.shipped_commit
  JOIN deployments d ON d.source = dc.source AND d.key = dc.deployment_key
  WHERE d.state = 'SUCCESSFUL' AND d.environment_type = 'production'
  GROUP BY s.source, s.key
)
SELECT s.source, s.key AS pull_request_key, s.repository_id, s.number, s.title, s.author_id,
       ${week('s.merged_at')} AS week,
       s.first_commit_at, s.created_at AS opened_at, s.ready_at, r.first_response_at, s.merged_at, dp.deployed_at,
       CASE WHEN s.first_commit_at IS NULL THEN 0 ELSE max(0, ${hours('s.first_commit_at', 's.created_at')}) END AS coding_hours,
       s.draft_hours,
       ${hours('s.ready_at', 'r.first_response_at')} AS pickup_hours,
       ${hours('r.first_response_at', 's.merged_at')} AS review_hours,
       ${hours('s.merged_at', 'dp.deployed_at')} AS merge_to_deploy_hours,
       max(0, ${hours('min(coalesce(s.first_commit_at, s.created_at), s.created_at)', 's.merged_at')} - s.draft_hours) AS cycle_hours
FROM starts s
LEFT JOIN responses r ON r.source = s.source AND r.key = s.key
LEFT JOIN deploys dp ON dp.source = s.source AND dp.key = s.key;
`;

const DORA_WEEKLY = `
CREATE VIEW dora_weekly AS
WITH deploys AS (
  SELECT d.source, d.key, d.repository_id, d.environment, d.environment_type, d.state,
         coalesce(d.completed_at, d.started_at) AS at, ${week('coalesce(d.completed_at, d.started_at)')} AS week,
         lag(d.state) OVER w AS previous_state,
         -- the next successful deployment to the same repository and environment (a window, not a subquery per row)
         min(CASE WHEN d.state = 'SUCCESSFUL' THEN coalesce(d.completed_at, d.started_at) END) OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_success_at
  FROM deployments d
  WHERE d.state IN ('SUCCESSFUL', 'FAILED') AND coalesce(d.completed_at, d.started_at) IS NOT NULL
  WINDOW w AS (PARTITION BY d.source, d.repository_id, d.environment ORDER BY coalesce(d.completed_at, d.started_at), d.key)
),
reverts AS (
  SELECT DISTINCT dc.source, dc.deployment_key
  FROM deployment_commits dc JOIN commits c ON c.source = dc.source AND c.repository_id = dc.repository_id AND c.hash = dc.hash
  WHERE c.is_revert = 1
),
weeks AS (
  SELECT d.source, d.week, d.environment, max(d.environment_type) AS environment_type,
         count(*) AS deployments,
         sum(d.state = 'SUCCESSFUL') AS successful,
         sum(d.state = 'FAILED') AS failed,
         sum(d.state = 'SUCCESSFUL' AND r.deployment_key IS NOT NULL) AS with_revert
  FROM deploys d LEFT JOIN reverts r ON r.source = d.source AND r.deployment_key = d.key
  GROUP BY d.source, d.week, d.environment
),
leads AS (
  SELECT d.source, d.week, d.environment, ${hours('coalesce(c.committed_at, c.authored_at)', 'd.at')} AS hours,
         row_number() OVER (PARTITION BY d.source, d.week, d.environment ORDER BY ${hours('coalesce(c.committed_at, c.authored_at)', 'd.at')}) AS rn,
         count(*) OVER (PARTITION BY d.source, d.week, d.environment) AS n
  FROM deploys d
  JOIN deployment_commits dc ON dc.source = d.source AND dc.deployment_key = d.key
  JOIN commits c ON c.source = dc.source AND c.repository_id = dc.repository_id AND c.hash = dc.hash
  WHERE d.state = 'SUCCESSFUL'
),
lead_medians AS (
  SELECT source, week, environment, avg(hours) AS hours, max(n) AS commits
  FROM leads WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
  GROUP BY source, week, environment
),
outages AS (
  -- An outage starts with a failed deployment after a successful one (or the first) and ends with the next
  -- successful deployment to the same repository and environment.
  SELECT f.source, f.week, f.environment, ${hours('f.at', 'f.next_success_at')} AS hours
  FROM deploys f
  WHERE f.state = 'FAILED' AND (f.previous_state IS NULL OR f.previous_state = 'SUCCESSFUL')
),
restores AS (
  SELECT source, week, environment, hours,
         row_number() OVER (PARTITION BY source, week, environment ORDER BY hours) AS rn,
         count(*) OVER (PARTITION BY source, week, environment) AS n
  FROM outages WHERE hours IS NOT NULL
),
restore_medians AS (
  SELECT source, week, environment, avg(hours) AS hours
  FROM restores WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
  GROUP BY source, week, environment
)
SELECT w.source, w.week, w.environment, w.environment_type, w.deployments, w.successful, w.failed,
       w.with_revert AS deployments_with_revert,
       (w.failed + w.with_revert) * 1.0 / w.deployments AS change_failure_rate,
       coalesce(l.commits, 0) AS commits_shipped,
       l.hours AS lead_time_median_hours,
       r.hours AS time_to_restore_median_hours
FROM weeks w
LEFT JOIN lead_medians l ON l.source = w.source AND l.week = w.week AND l.environment = w.environment
LEFT JOIN restore_medians r ON r.source = w.source AND r.week = w.week AND r.environment = w.environment;
`;

const REVIEW_LOAD = `
CREATE VIEW review_load AS
WITH acts AS (
  SELECT e.source, e.actor_id, e.pull_request_key, e.kind, ${week('e.at')} AS week
  FROM pull_request_events e
  WHERE e.kind IN ('approved', 'changes_requested', 'commented')
    AND e.actor_id IS NOT NULL AND coalesce(e.is_author, 0) = 0 AND coalesce(e.is_bot, 0) = 0
)
SELECT a.source, a.week, a.actor_id AS reviewer_id, u.display_name AS reviewer,
       sum(a.kind IN ('approved', 'changes_requested')) AS reviews,
       sum(a.kind = 'approved') AS approvals,
       sum(a.kind = 'changes_requested') AS changes_requested,
       sum(a.kind = 'commented') AS comments,
       count(DISTINCT a.pull_request_key) AS pull_requests
FROM acts a LEFT JOIN users u ON u.source = a.source AND u.user_id = a.actor_id
GROUP BY a.source, a.week, a.actor_id;
`;

export const VIEWS: readonly ViewDefinition[] = [
  {
    name: 'pr_flow',
    description:
      'One row per merged pull request: where its time went. Pickup starts when the pull request was opened, or ready for review if it was a draft, and ends with the first comment, approval or change request by someone other than the author and not a bot; draft time is left out of the cycle; a pull request merged without review has a cycle time but no pickup or review time.',
    columns: [
      { name: 'source', description: '`cloud` or `datacenter`.' },
      { name: 'pull_request_key', description: '`pull_requests.key`.' },
      { name: 'repository_id', description: 'The repository.' },
      { name: 'number', description: 'The pull request number.' },
      { name: 'title', description: 'The title.' },
      { name: 'author_id', description: 'The author.' },
      { name: 'week', description: 'The Monday of the week it was merged.' },
      { name: 'first_commit_at', description: 'Its first commit (authored).' },
      { name: 'opened_at', description: 'Opened.' },
      { name: 'ready_at', description: 'Ready for review: the end of its first draft period, else when opened.' },
      { name: 'first_response_at', description: 'The first response by a reviewer (not the author, not a bot); null if none.' },
      { name: 'merged_at', description: 'Merged.' },
      { name: 'deployed_at', description: 'The first successful production deployment that shipped its merge commit.' },
      { name: 'coding_hours', description: 'First commit → opened (0 when the first commit came later).' },
      { name: 'draft_hours', description: 'Time spent as a draft.' },
      { name: 'pickup_hours', description: 'Ready → first response (null without a review).' },
      { name: 'review_hours', description: 'First response → merged (null without a review).' },
      { name: 'merge_to_deploy_hours', description: 'Merged → deployed to production (null until deployed).' },
      { name: 'cycle_hours', description: 'First commit (or opening, if earlier) → merged, less draft time.' },
    ],
    sql: PR_FLOW,
  },
  {
    name: 'dora_weekly',
    description:
      'Per week and environment: deployments, lead time for changes (commit → successful deployment, over every commit each deployment shipped), change failure rate (failed deployments and deployments that shipped a revert, over all finished deployments) and time to restore (a failed deployment → the next successful one to the same repository and environment).',
    columns: [
      { name: 'source', description: '`cloud` or `datacenter`.' },
      { name: 'week', description: 'The Monday of the week the deployments finished.' },
      { name: 'environment', description: 'The environment name.' },
      { name: 'environment_type', description: '`production`, `staging`, `test`, …' },
      { name: 'deployments', description: 'Finished deployments (successful or failed).' },
      { name: 'successful', description: 'Successful deployments.' },
      { name: 'failed', description: 'Failed deployments.' },
      { name: 'deployments_with_revert', description: 'Successful deployments that shipped a revert commit.' },
      { name: 'change_failure_rate', description: '(failed + deployments_with_revert) / deployments.' },
      { name: 'commits_shipped', description: 'Commits the successful deployments shipped.' },
      { name: 'lead_time_median_hours', description: 'Median commit → successful deployment, over the commits shipped.' },
      { name: 'time_to_restore_median_hours', description: 'Median failed deployment → next successful one, over outages that started this week.' },
    ],
    sql: DORA_WEEKLY,
  },
  {
    name: 'review_load',
    description: 'Per reviewer and week: reviews (approvals and change requests), comments and pull requests touched, on pull requests of others; bots left out.',
    columns: [
      { name: 'source', description: '`cloud` or `datacenter`.' },
      { name: 'week', description: 'The Monday of the week.' },
      { name: 'reviewer_id', description: 'The reviewer (`users.user_id`).' },
      { name: 'reviewer', description: 'Their display name.' },
      { name: 'reviews', description: 'Approvals and change requests.' },
      { name: 'approvals', description: 'Approvals.' },
      { name: 'changes_requested', description: 'Change requests.' },
      { name: 'comments', description: 'Comments.' },
      { name: 'pull_requests', description: 'Distinct pull requests reviewed or commented on.' },
    ],
    sql: REVIEW_LOAD,
  },
];

export function viewsSql(): string {
  return VIEWS.map((v) => v.sql.trim()).join('\n');
}
