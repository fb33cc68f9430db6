/** Writes `schemas/config.schema.json` (run by `pnpm --filter @bbsync/action schema`). */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { knownStreams } from '../run/connectors.js';
import { JSON_SCHEMA_PATH, renderJsonSchema } from './json-schema.js';

/** Every stream name of both sources, de-duplicated, in order. */
export function allStreamNames(): string[] {
  const { cloud, datacenter } = knownStreams();
  return [...new Set([...cloud, ...datacenter])];
}

const target = fileURLToPath(new URL(`../../${JSON_SCHEMA_PATH}`, import.meta.url));
await writeFile(target, renderJsonSchema(allStreamNames()));
process.stdout.write(`wrote ${target}\n`);
