/**
 * A small JSON Schema checker for the subset the output schemas use (`type`, `enum`, `required`, `properties`,
 * `items`, `pattern`, `format: date-time`, local `$ref`), so the package needs no validator dependency.
 * Extra properties are allowed, as the schemas intend.
 */
import { readFileSync } from 'node:fs';

type Schema = Readonly<Record<string, unknown>>;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Loads `schemas/<stream>.json` of this package. */
export function loadSchema(stream: string): Schema {
  return JSON.parse(readFileSync(new URL(`../../schemas/${stream}.json`, import.meta.url), 'utf8')) as Schema;
}

/** The problems of `value` against `schema` (empty when valid), each with a JSON path. */
export function validate(schema: Schema, value: unknown, root: Schema = schema, path = '$'): string[] {
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const target = ref.replace(/^#\//, '').split('/').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], root);
    return validate(target as Schema, value, root, path);
  }
  const problems: string[] = [];
  const types = schema.type === undefined ? undefined : ([] as unknown[]).concat(schema.type);
  if (types !== undefined && !types.some((type) => matchesType(type as string, value))) {
    return [`${path}: expected ${types.join('|')}, got ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value as never)) problems.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) problems.push(`${path}: does not match ${schema.pattern}`);
    if (schema.format === 'date-time' && !DATE_TIME.test(value)) problems.push(`${path}: not a date-time`);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in object)) problems.push(`${path}.${name}: required`);
    for (const [name, child] of Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {})) {
      if (name in object) problems.push(...validate(child, object[name], root, `${path}.${name}`));
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, index) => problems.push(...validate(schema.items as Schema, item, root, `${path}[${index}]`)));
  }
  return problems;
}

function matchesType(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return typeof value === type;
  }
}
