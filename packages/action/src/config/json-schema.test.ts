import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { knownStreams } from '../run/connectors.js';
import { JSON_SCHEMA_PATH, renderJsonSchema } from './json-schema.js';

describe('the published JSON Schema', () => {
  it('is up to date (regenerate with `pnpm --filter @bbsync/action schema`)', async () => {
    const { cloud, datacenter } = knownStreams();
    const published = await readFile(fileURLToPath(new URL(`../../${JSON_SCHEMA_PATH}`, import.meta.url)), 'utf8');
    expect(published).toBe(renderJsonSchema([...new Set([...cloud, ...datacenter])]));
  });

  it('describes the fields editors complete', () => {
    const schema = JSON.parse(renderJsonSchema(['repositories'])) as { properties: Record<string, { enum?: string[] }>; required?: string[] };
    expect(schema.properties.source?.enum).toEqual(['cloud', 'datacenter']);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['cloud', 'datacenter', 'credentials', 'repositories', 'streams', 'shard', 'budgets', 'artifact']));
    expect(schema.required).toEqual(['source']);
  });
});
