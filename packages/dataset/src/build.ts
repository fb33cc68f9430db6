/**
 * Builds `bbsync.sqlite` from snapshot or run folders: streams every record in (batched transactions, one
 * prepared statement per table, so memory stays flat as the data grows), applies deletion markers and deleted
 * repositories, then derives what needs more than one record (merge times, reviews, deployment coverage) for
 * the pull requests and repositories this build touched only, so applying one run to an existing database
 * costs in proportion to what the run changed.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { DELETED_PARTITIONS_STREAM, listSegments, readRecords, type RecordEnvelope } from '@bbsync/core';
import { deriveAfterLoad } from './derive.js';
import { detectSource, mapRecord, STREAM_TABLES, type Row, type Source } from './normalize.js';
import { SCHEMA_VERSION, schemaSql, TABLES, tableDefinition } from './schema.js';
import { viewsSql } from './views.js';

export interface BuildOptions {
  /** Snapshot folders (`bbsync merge` output) or run folders, oldest first: a later record replaces an earlier one. */
  readonly inputs: readonly string[];
  /** The database file to write. */
  readonly out: string;
  /**
   * Apply the inputs to the existing database at `out` (an incremental build) instead of writing a new one.
   * @default false
   */
  readonly update?: boolean | undefined;
  /** The source, when it cannot be told from the streams. */
  readonly source?: Source | undefined;
  /** Rows per transaction. @default 5000 */
  readonly batchRows?: number | undefined;
}

export interface BuildReport {
  readonly out: string;
  readonly source: Source | undefined;
  /** Rows in each table after the build. */
  readonly tables: Readonly<Record<string, number>>;
  /** Records read (live records and deletion markers). */
  readonly records: number;
  readonly deletionMarkers: number;
  readonly durationMs: number;
}

/** Opens a dataset for reading; refuses a file that is not a bbsync dataset of this schema version. */
export function openDataset(path: string, options: { readonly readOnly?: boolean } = {}): DatabaseSync {
  if (!existsSync(path)) throw new Error(`${path}: no such database`);
  const db = new DatabaseSync(path, { readOnly: options.readOnly ?? true });
  const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  if (version !== SCHEMA_VERSION) {
    db.close();
    throw new Error(`${path} is not a bbsync dataset of schema version ${SCHEMA_VERSION} (found ${version}); rebuild it with \`bbsync db build\``);
  }
  return db;
}

function createSchema(db: DatabaseSync): void {
  db.exec(schemaSql());
  db.exec(viewsSql());
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
}

/** Per-build bookkeeping: what was touched, so the derivation step only revisits that. */
const TOUCH_SQL = `
CREATE TEMP TABLE IF NOT EXISTS touched_pull_requests (source TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (source, key));
CREATE TEMP TABLE IF NOT EXISTS touched_repositories (source TEXT NOT NULL, repository_id TEXT NOT NULL, PRIMARY KEY (source, repository_id));
`;

class Loader {
  private readonly upserts = new Map<string, StatementSync>();
  private readonly deletes = new Map<string, StatementSync>();
  private readonly insertUser: StatementSync;
  private readonly touchPullRequest: StatementSync;
  private readonly touchRepository: StatementSync;
  private pending = 0;
  records = 0;
  deletionMarkers = 0;

  constructor(
    private readonly db: DatabaseSync,
    private readonly batchRows: number,
  ) {
    for (const t of TABLES) {
      const names = t.columns.map((c) => c.name);
      const placeholders = names.map((n) => `:${n}`).join(', ');
      let conflict = `ON CONFLICT (${t.primaryKey.join(', ')}) DO UPDATE SET ${names.filter((n) => !t.primaryKey.includes(n)).map((n) => `${n} = excluded.${n}`).join(', ')}`;
      // Data Center comments come from several activities (added, edited): the latest edit wins whatever the order.
      if (t.name === 'pull_request_comments') conflict += ` WHERE excluded.updated_at >= coalesce(pull_request_comments.updated_at, '')`;
      this.upserts.set(t.name, db.prepare(`INSERT INTO ${t.name} (${names.join(', ')}) VALUES (${placeholders}) ${conflict}`));
      if (t.primaryKey.includes('key')) this.deletes.set(t.name, db.prepare(`DELETE FROM ${t.name} WHERE source = ? AND key = ?`));
    }
    const userColumns = tableDefinition('users').columns.map((c) => c.name);
    // An account seen on a pull request never overwrites the members/users stream's fuller record.
    this.insertUser = db.prepare(`INSERT INTO users (${userColumns.join(', ')}) VALUES (${userColumns.map((n) => `:${n}`).join(', ')}) ON CONFLICT (source, key) DO NOTHING`);
    this.touchPullRequest = db.prepare('INSERT OR IGNORE INTO touched_pull_requests (source, key) VALUES (?, ?)');
    this.touchRepository = db.prepare('INSERT OR IGNORE INTO touched_repositories (source, repository_id) VALUES (?, ?)');
    db.exec('BEGIN');
  }

  private tick(): void {
    this.pending += 1;
    if (this.pending >= this.batchRows) {
      this.db.exec('COMMIT');
      this.db.exec('BEGIN');
      this.pending = 0;
    }
  }

  private touch(source: Source, table: string, row: Row): void {
    const pr = table === 'pull_requests' ? row['key'] : row['pull_request_key'];
    if ((table === 'pull_requests' || table === 'pull_request_events' || table === 'pull_request_commits') && typeof pr === 'string') this.touchPullRequest.run(source, pr);
    if ((table === 'commits' || table === 'deployments') && typeof row['repository_id'] === 'string') this.touchRepository.run(source, row['repository_id']);
  }

  apply(source: Source, record: RecordEnvelope, deriveEvents: boolean): void {
    this.records += 1;
    if (record.deleted) {
      this.deletionMarkers += 1;
      const table = STREAM_TABLES[source][record.stream];
      if (table !== undefined) this.deletes.get(table)?.run(source, record.key);
      // Rows derived from the record (a Data Center comment from its activity) go with it.
      if (record.data !== null && record.data !== undefined) {
        for (const { table: derived, row } of mapRecord({ ...record, deleted: false }, { source, deriveEvents }).rows) {
          if (typeof row['key'] === 'string') this.deletes.get(derived)?.run(source, row['key']);
          this.touch(source, derived, row);
        }
      }
      if (table === 'pull_requests' || table === 'pull_request_events') this.touchPullRequest.run(source, record.key);
      this.tick();
      return;
    }
    const mapped = mapRecord(record, { source, deriveEvents });
    for (const { table, row } of mapped.rows) {
      this.upserts.get(table)?.run(row);
      this.touch(source, table, row);
    }
    for (const user of mapped.users) this.insertUser.run(user);
    this.tick();
  }

  /** A deleted repository: its rows leave every table. */
  dropRepository(source: Source, repositoryId: string): void {
    for (const t of TABLES) {
      if (t.name === 'users') continue;
      this.db.prepare(`DELETE FROM ${t.name} WHERE source = ? AND repository_id = ?`).run(source, repositoryId);
    }
    this.db.prepare('DELETE FROM touched_pull_requests WHERE source = ? AND key LIKE ?').run(source, `${repositoryId}:%`);
    this.tick();
  }

  finish(): void {
    this.db.exec('COMMIT');
  }
}

async function streamsOf(dir: string): Promise<string[]> {
  return [...(await listSegments(dir)).keys()];
}

async function firstRecordData(dir: string): Promise<unknown> {
  for await (const record of readRecords(dir)) {
    if ((record.stream === 'repositories' || record.stream === 'pull_requests') && record.data !== null) return record.data;
  }
  return undefined;
}

/** The source a run folder's manifest names (snapshots have none). */
async function manifestSource(dir: string): Promise<Source | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { source?: unknown };
    return manifest.source === 'cloud' || manifest.source === 'datacenter' ? manifest.source : undefined;
  } catch {
    return undefined;
  }
}

function datasetSource(db: DatabaseSync): Source | undefined {
  const row = db.prepare('SELECT source FROM repositories UNION ALL SELECT source FROM pull_requests LIMIT 1').get() as { source: Source } | undefined;
  return row?.source;
}

/** Builds (or, with `update`, updates) the dataset. The file is written under a temporary name and renamed when complete. */
export async function buildDataset(options: BuildOptions): Promise<BuildReport> {
  const started = Date.now();
  const batchRows = options.batchRows ?? 5000;
  const update = options.update ?? false;
  const target = update ? options.out : `${options.out}.partial`;
  if (update) {
    openDataset(options.out, { readOnly: true }).close();
  } else {
    await rm(target, { force: true });
  }
  const db = new DatabaseSync(target);
  let source = options.source ?? (update ? datasetSource(db) : undefined);
  let loader: Loader | undefined;
  try {
    // The file is only renamed into place once complete: no journal file and no fsync while building it (node:sqlite's
    // defensive mode refuses journal_mode OFF; an in-memory journal, bounded by one batch, still allows ROLLBACK).
    if (!update) db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;');
    // A bounded page cache; temporary b-trees (the derivation's IN lists, sorts) go to disk, not memory.
    db.exec('PRAGMA cache_size = -65536; PRAGMA temp_store = FILE;');
    if (!update) createSchema(db);
    db.exec(TOUCH_SQL);
    loader = new Loader(db, batchRows);
    for (const input of options.inputs) {
      const streams = await streamsOf(input);
      const detected = (await manifestSource(input)) ?? detectSource(streams, streams.length > 0 ? await firstRecordData(input) : undefined);
      const inputSource = options.source ?? detected ?? source;
      if (inputSource === undefined) {
        if (streams.length === 0) continue;
        throw new Error(`${input}: cannot tell whether it is Bitbucket Cloud or Data Center data (pass the source)`);
      }
      if (source !== undefined && inputSource !== source) throw new Error(`${input}: ${inputSource} data cannot join a ${source} dataset`);
      source = inputSource;
      // Where the timeline stream exists it is the authority; otherwise the activity streams stand in for it.
      const hasEventsStream = streams.includes('pull_request_events') || (db.prepare("SELECT 1 FROM pull_request_events WHERE source = ? AND origin = 'events' LIMIT 1").get(source) !== undefined);
      const deletedPartitions: string[] = [];
      for await (const record of readRecords(input)) {
        if (record.stream === DELETED_PARTITIONS_STREAM) {
          if (!record.deleted) deletedPartitions.push(record.key);
          continue;
        }
        loader.apply(source, record, !hasEventsStream);
      }
      for (const partition of deletedPartitions) loader.dropRepository(source, partition);
    }
    loader.finish();
    deriveAfterLoad(db);
    if (!update) db.exec('PRAGMA journal_mode = DELETE;');
    db.exec('ANALYZE;');
    const tables = Object.fromEntries(TABLES.map((t) => [t.name, (db.prepare(`SELECT count(*) AS n FROM ${t.name}`).get() as { n: number }).n]));
    db.close();
    if (!update) await rename(target, options.out);
    return { out: options.out, source, tables, records: loader.records, deletionMarkers: loader.deletionMarkers, durationMs: Date.now() - started };
  } catch (error) {
    if (db.isOpen) {
      if (db.isTransaction) db.exec('ROLLBACK');
      db.close();
    }
    if (!update) await rm(target, { force: true });
    throw error;
  }
}
