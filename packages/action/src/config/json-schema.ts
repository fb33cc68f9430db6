/** The published JSON Schema of the config file (`schemas/config.schema.json`), generated from the zod schema. */
import { z } from 'zod';
import { configSchema } from './schema.js';

/** Where the schema is published, relative to the package root. */
export const JSON_SCHEMA_PATH = 'schemas/config.schema.json';

/**
 * The JSON Schema document. `streams` get an `examples` list of the known stream names so editors can complete
 * them; the exact per-source check happens at run time.
 */
export function buildJsonSchema(knownStreams: readonly string[] = []): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  const properties = schema.properties as Record<string, Record<string, unknown>>;
  if (knownStreams.length > 0 && properties.streams) {
    properties.streams.items = { ...(properties.streams.items as object), examples: [...knownStreams] };
  }
  return {
    $id: 'https://github.com/bbsync/bbsync/blob/main/packages/action/schemas/config.schema.json',
    title: 'bbsync configuration',
    ...schema,
  };
}

/** The file's text: stable, pretty JSON with a trailing newline. */
export function renderJsonSchema(knownStreams: readonly string[] = []): string {
  return `${JSON.stringify(buildJsonSchema(knownStreams), null, 2)}\n`;
}
