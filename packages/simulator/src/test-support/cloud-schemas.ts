/**
 * Validators for Cloud response bodies from the spec's component schemas (schemas/bitbucket-cloud.components.json),
 * relaxed the way BITBUCKET.md prescribes: `additionalProperties: false` dropped, `type` not required, nulls
 * allowed (OpenAPI 3.0 `nullable` converted); types, enums, formats and other required fields still checked.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const DOC_ID = 'https://bbsync.invalid/bitbucket-cloud.json';

type Schema = Record<string, unknown>;

function relax(node: unknown, isPropertySchema = false): unknown {
  if (Array.isArray(node)) return node.map((n) => relax(n));
  if (!node || typeof node !== 'object') return node;
  const input = node as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'nullable' || key === 'discriminator') continue;
    if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, relax(v, true)]));
    } else if (key === 'required' && Array.isArray(value)) {
      const kept = value.filter((r) => r !== 'type');
      if (kept.length > 0) out[key] = kept;
    } else if (key === 'items' || key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = relax(value, key === 'items');
    } else {
      out[key] = relax(value);
    }
  }
  if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
  // A referenced object may be null too ("nulls tolerated").
  if (isPropertySchema && typeof out['$ref'] === 'string') return { anyOf: [{ $ref: out['$ref'] }, { type: 'null' }] };
  return out;
}

let ajv: Ajv | undefined;
let names: Set<string> | undefined;

function load(): Ajv {
  if (ajv) return ajv;
  const raw = JSON.parse(readFileSync(new URL('../../schemas/bitbucket-cloud.components.json', import.meta.url), 'utf8')) as { components: { schemas: Schema } };
  const schemas = relax(raw.components.schemas) as Schema;
  names = new Set(Object.keys(schemas));
  ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  // Clone links are scp-like (`git@bitbucket.org:ws/repo.git`) and the real API sends them under `format: uri`.
  ajv.addFormat('uri', { type: 'string', validate: (s: string) => /^[a-z][a-z0-9+.-]*:\S+$/i.test(s) || /^[\w.-]+@[\w.-]+:\S+$/.test(s) });
  ajv.addSchema({ $id: DOC_ID, components: { schemas } });
  return ajv;
}

const cache = new Map<string, ValidateFunction>();

/** A validator for `#/components/schemas/<name>`. */
export function cloudValidator(name: string): ValidateFunction {
  const instance = load();
  let validate = cache.get(name);
  if (!validate) {
    validate = instance.compile({ $ref: `${DOC_ID}#/components/schemas/${name}` });
    cache.set(name, validate);
  }
  return validate;
}

/** Errors of `body` against the named schema, plus every nested object whose `type` names a schema. */
export function cloudSchemaErrors(name: string, body: unknown): string[] {
  load();
  const errors: string[] = [];
  const check = (schema: string, value: unknown, where: string): void => {
    const validate = cloudValidator(schema);
    if (!validate(value)) for (const e of validate.errors ?? []) errors.push(`${where}${e.instancePath} ${e.message ?? ''} (${schema})`);
  };
  check(name, body, '');
  const walk = (value: unknown, where: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}/${i}`));
    else if (value && typeof value === 'object') {
      const type = (value as Schema)['type'];
      if (typeof type === 'string' && names?.has(type) && where !== '') check(type, value, where);
      for (const [k, v] of Object.entries(value)) walk(v, `${where}/${k}`);
    }
  };
  walk(body, '');
  return errors;
}
