/**
 * `bbsync db export --format parquet`: every table as `<table>.parquet`, written by a pure-JavaScript writer
 * (hyparquet-writer; no native binary), a row group at a time so memory stays flat. Times become Parquet
 * timestamps (milliseconds, UTC), booleans booleans, integers INT64, JSON text JSON-annotated strings, so a
 * warehouse (BigQuery, Snowflake, DuckDB) loads them with the right types.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { fileWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import { TABLES, type ColumnDefinition, type TableDefinition } from './schema.js';

export interface ParquetExportOptions {
  /** The folder to write into (created if missing). */
  readonly outDir: string;
  /** Rows per row group. @default 50000 */
  readonly rowGroupRows?: number | undefined;
}

export interface ParquetExportReport {
  readonly files: readonly { readonly table: string; readonly path: string; readonly rows: number }[];
}

function schemaElement(column: ColumnDefinition): SchemaElement {
  switch (column.kind) {
    case 'integer':
      return { name: column.name, type: 'INT64', repetition_type: 'OPTIONAL' };
    case 'real':
      return { name: column.name, type: 'DOUBLE', repetition_type: 'OPTIONAL' };
    case 'boolean':
      return { name: column.name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' };
    case 'time':
      return { name: column.name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' };
    case 'json':
      return { name: column.name, type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' };
    default:
      return { name: column.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' };
  }
}

function convert(column: ColumnDefinition, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (column.kind) {
    case 'integer':
      return BigInt(value as number);
    case 'real':
      return Number(value);
    case 'boolean':
      return value === 1 || value === true;
    case 'time': {
      const ms = Date.parse(String(value));
      return Number.isFinite(ms) ? new Date(ms) : null;
    }
    default:
      return String(value);
  }
}

async function exportTable(db: DatabaseSync, table: TableDefinition, path: string, rowGroupRows: number): Promise<number> {
  const schema: SchemaElement[] = [{ name: 'root', num_children: table.columns.length }, ...table.columns.map(schemaElement)];
  const writer = new ParquetWriter({ writer: fileWriter(path), schema, createdBy: 'bbsync' });
  const columns = table.columns.map(() => [] as unknown[]);
  let rows = 0;
  const flush = async () => {
    if ((columns[0]?.length ?? 0) === 0) return;
    await writer.write({
      columnData: table.columns.map((c, i) => ({ name: c.name, data: columns[i] as unknown[] })) as never,
      rowGroupSize: rowGroupRows,
    });
    for (const column of columns) column.length = 0;
  };
  const statement = db.prepare(`SELECT ${table.columns.map((c) => `"${c.name}"`).join(', ')} FROM ${table.name} ORDER BY ${table.primaryKey.join(', ')}`);
  for (const row of statement.iterate() as Iterable<Record<string, unknown>>) {
    table.columns.forEach((c, i) => (columns[i] as unknown[]).push(convert(c, row[c.name])));
    rows += 1;
    if (rows % rowGroupRows === 0) await flush();
  }
  await flush();
  await writer.finish();
  return rows;
}

export async function exportParquet(db: DatabaseSync, options: ParquetExportOptions): Promise<ParquetExportReport> {
  await mkdir(options.outDir, { recursive: true });
  const files: { table: string; path: string; rows: number }[] = [];
  for (const table of TABLES) {
    const path = join(options.outDir, `${table.name}.parquet`);
    files.push({ table: table.name, path, rows: await exportTable(db, table, path, options.rowGroupRows ?? 50_000) });
  }
  return { files };
}
