/**
 * What is derived after loading, for the pull requests and repositories the build touched: who is the author
 * of each event, merge times and commits from the merge events, the reviews, and which commits each
 * deployment shipped.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';

const TOUCHED = 'SELECT source, key FROM touched_pull_requests';

export function deriveAfterLoad(db: DatabaseSync): void {
  db.exec('BEGIN');
  try {
    db.exec(`
      UPDATE pull_request_events AS e SET
        is_author = CASE WHEN e.origin = 'events' AND e.is_author IS NOT NULL THEN e.is_author
                         ELSE coalesce(e.actor_id = (SELECT p.author_id FROM pull_requests p WHERE p.source = e.source AND p.key = e.pull_request_key), 0) END,
        is_bot = CASE WHEN e.origin = 'events' AND e.is_bot IS NOT NULL THEN e.is_bot
                      ELSE coalesce((SELECT u.is_bot FROM users u WHERE u.source = e.source AND u.key = e.actor_id), 0) END
      WHERE (e.source, e.pull_request_key) IN (${TOUCHED});

      -- Cloud has no merge time on the pull request, Data Center no merge commit: the merge event has both.
      UPDATE pull_requests AS p SET
        merged_at = coalesce((SELECT max(e.at) FROM pull_request_events e WHERE e.source = p.source AND e.pull_request_key = p.key AND e.kind = 'merged'), p.merged_at),
        merge_commit = coalesce(p.merge_commit, (SELECT json_extract(e.raw, '$.commit.id') FROM pull_request_events e
                                                 WHERE e.source = p.source AND e.pull_request_key = p.key AND e.kind = 'merged' ORDER BY e.at DESC LIMIT 1))
      WHERE p.state = 'merged' AND (p.source, p.key) IN (${TOUCHED});

      DELETE FROM pull_request_reviews WHERE (source, pull_request_key) IN (${TOUCHED});
      INSERT INTO pull_request_reviews (source, key, pull_request_key, repository_id, reviewer_id, state, at, is_author, is_bot, synced_at, raw)
        SELECT e.source, e.key, e.pull_request_key, e.repository_id, e.actor_id, e.kind, e.at, e.is_author, e.is_bot, e.synced_at, e.raw
        FROM pull_request_events e
        WHERE e.kind IN ('approved', 'changes_requested') AND e.actor_id IS NOT NULL AND (e.source, e.pull_request_key) IN (${TOUCHED});
    `);
    deriveDeploymentCommits(db);
    db.exec('DELETE FROM touched_pull_requests; DELETE FROM touched_repositories;');
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

interface DeploymentRow {
  key: string;
  state: string | null;
  commit_hash: string | null;
}

/**
 * A deployment ships every commit reachable from its commit that no earlier successful deployment to the same
 * repository and environment shipped. Walked through `commits.parents`, one repository and environment at a
 * time (memory: the commits shipped to that environment so far). A commit bbsync does not have (outside the
 * default branch history it synced) ends the walk there.
 */
function deriveDeploymentCommits(db: DatabaseSync): void {
  const pairs = db
    .prepare(
      `SELECT DISTINCT d.source, d.repository_id, d.environment FROM deployments d
       WHERE (d.source, d.repository_id) IN (SELECT source, repository_id FROM touched_repositories) AND d.environment IS NOT NULL`,
    )
    .all() as { source: string; repository_id: string; environment: string }[];
  const clear = db.prepare(
    `DELETE FROM deployment_commits WHERE source = ? AND repository_id = ? AND deployment_key IN (SELECT key FROM deployments WHERE source = ? AND repository_id = ? AND environment = ?)`,
  );
  // Deployments to environments that no longer exist (a deleted deployment record) leave no coverage behind.
  db.prepare(
    `DELETE FROM deployment_commits WHERE (source, repository_id) IN (SELECT source, repository_id FROM touched_repositories)
     AND (source, deployment_key) NOT IN (SELECT source, key FROM deployments)`,
  ).run();
  const deploymentsOf = db.prepare(
    `SELECT key, state, commit_hash FROM deployments WHERE source = ? AND repository_id = ? AND environment = ?
     ORDER BY coalesce(completed_at, started_at), key`,
  );
  const parentsOf = db.prepare('SELECT parents FROM commits WHERE source = ? AND repository_id = ? AND hash = ?');
  const insert = db.prepare('INSERT OR IGNORE INTO deployment_commits (source, deployment_key, repository_id, hash) VALUES (?, ?, ?, ?)');
  for (const { source, repository_id: repository, environment } of pairs) {
    clear.run(source, repository, source, repository, environment);
    const shipped = new Set<string>();
    for (const deployment of deploymentsOf.all(source, repository, environment) as unknown as DeploymentRow[]) {
      if (deployment.commit_hash === null) continue;
      const covered = walk(deployment.commit_hash, shipped, (hash) => parents(parentsOf, source, repository, hash));
      for (const hash of covered) insert.run(source, deployment.key, repository, hash);
      if (deployment.state === 'SUCCESSFUL') for (const hash of covered) shipped.add(hash);
    }
  }
}

function parents(statement: StatementSync, source: string, repository: string, hash: string): readonly string[] {
  const row = statement.get(source, repository, hash) as { parents: string | null } | undefined;
  if (row?.parents === null || row?.parents === undefined) return [];
  const list = JSON.parse(row.parents) as unknown;
  return Array.isArray(list) ? list.filter((h): h is string => typeof h === 'string') : [];
}

/** The commits reachable from `tip` that are not in `stop` (iterative: histories are deep). */
export function walk(tip: string, stop: ReadonlySet<string>, parentsOf: (hash: string) => readonly string[]): string[] {
  const seen = new Set<string>();
  const stack = [tip];
  while (stack.length > 0) {
    const hash = stack.pop() as string;
    if (seen.has(hash) || stop.has(hash)) continue;
    seen.add(hash);
    for (const parent of parentsOf(hash)) if (!seen.has(parent) && !stop.has(parent)) stack.push(parent);
  }
  return [...seen];
}
