/**
 * Relaxed validation of DC responses against the spec, as BITBUCKET.md prescribes: real recordings only validate
 * once `additionalProperties: false` is dropped and `null` is allowed (DC sends `"nextPageStart": null`), while
 * types, enums and required fields are still checked. OpenAPI 3.0 `nullable` is folded in the same way.
 */
type Json = unknown;

/** A copy of an OpenAPI 3.0 schema that tolerates extra properties and nulls. */
export function relaxSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(relaxSchema);
  if (!node || typeof node !== 'object') return node;
  const source = node as Record<string, Json>;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'nullable' || key === 'readOnly' || key === 'writeOnly' || key === 'example' || key === 'description') continue;
    if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, Json>).map(([k, v]) => [k, relaxSchema(v)]));
      continue;
    }
    out[key] = relaxSchema(value);
  }
  if (typeof out['$ref'] === 'string') return { anyOf: [{ $ref: out['$ref'] }, { type: 'null' }] };
  if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  if (Array.isArray(out['enum'])) out['enum'] = [...(out['enum'] as Json[]), null];
  return out;
}
