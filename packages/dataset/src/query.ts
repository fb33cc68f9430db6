/** `bbsync db query`: one read-only statement against a dataset. */
import { openDataset } from './build.js';

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, unknown>[];
}

/**
 * Runs one SQL statement on a database opened read-only (SQLite refuses any write), so a query can never
 * change the dataset.
 */
export function runQuery(path: string, sql: string): QueryResult {
  const db = openDataset(path, { readOnly: true });
  try {
    const statement = db.prepare(sql);
    const columns = statement.columns().map((c) => c.name);
    const rows = statement.all() as Record<string, unknown>[];
    return { columns, rows };
  } finally {
    db.close();
  }
}
