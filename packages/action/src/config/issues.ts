/**
 * Turns zod issues into bbsync's config messages: `<field>: <problem> (allowed: <what>)`. Values are echoed only
 * for fields that can never hold a secret (see {@link SECRET_FIELDS}).
 */
import { z } from 'zod';

/** Credential fields whose values must never appear in a message. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(['accessToken', 'apiToken', 'password', 'email', 'username']);

/** One problem with the configuration. */
export interface ConfigProblem {
  /** Dotted path with indexes, e.g. `credentials[0].accessToken`. */
  readonly field: string;
  readonly problem: string;
  readonly allowed?: string | undefined;
}

/** `credentials[0].accessToken` from `['credentials', 0, 'accessToken']`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(config)' : out;
}

/** True when the last named segment of the path is a secret field. */
export function isSecretPath(path: readonly PropertyKey[]): boolean {
  const last = [...path].reverse().find((part) => typeof part === 'string');
  return typeof last === 'string' && SECRET_FIELDS.has(last);
}

/** A short, safe rendering of a value: JSON for primitives, a type name otherwise. */
export function showValue(value: unknown, secret: boolean): string {
  if (secret) return 'this value';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list' : 'an object';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

/** The schema at `path` below `schema` (through optionals, objects and arrays), if there is one. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let node: z.ZodType | undefined = schema;
  for (const part of path) {
    node = unwrap(node);
    if (node instanceof z.ZodObject) node = Object.hasOwn(node.shape, String(part)) ? (node.shape as Record<string, z.ZodType>)[String(part)] : undefined;
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else return undefined;
    if (node === undefined) return undefined;
  }
  return unwrap(node);
}

/** The keys an object schema at `path` accepts (to list them for an unknown key). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const node = schemaAt(schema, path);
  return node instanceof z.ZodObject ? Object.keys(node.shape).filter((key) => key !== '$schema') : [];
}

interface Bound {
  readonly value: number;
  readonly inclusive: boolean;
}

/**
 * What a number schema allows, in words: `a whole number from 1 to 32`, `a whole number >= 1` (for `.int().positive()`,
 * whose bound is "> 0"), `a number > 0`. Read from the schema's own checks, so the text is the true range.
 */
export function allowedNumbers(node: z.ZodType | undefined): string | undefined {
  if (!(node instanceof z.ZodNumber)) return undefined;
  const int = node.isInt === true;
  let min: Bound | undefined;
  let max: Bound | undefined;
  for (const check of node._zod.def.checks ?? []) {
    const def = check._zod.def as { check?: string; value?: unknown; inclusive?: boolean };
    if (typeof def.value !== 'number') continue;
    if (def.check === 'greater_than') min = { value: def.value, inclusive: def.inclusive === true };
    if (def.check === 'less_than') max = { value: def.value, inclusive: def.inclusive === true };
  }
  // Whole numbers: an exclusive bound becomes the next whole number inside it ("> 0" is ">= 1").
  if (int && min !== undefined && !min.inclusive) min = { value: Math.floor(min.value) + 1, inclusive: true };
  if (int && max !== undefined && !max.inclusive) max = { value: Math.ceil(max.value) - 1, inclusive: true };
  const kind = int ? 'a whole number' : 'a number';
  if (min !== undefined && max !== undefined && min.inclusive && max.inclusive) return `${kind} from ${min.value} to ${max.value}`;
  const parts = [
    min === undefined ? '' : `${min.inclusive ? '>=' : '>'} ${min.value}`,
    max === undefined ? '' : `${max.inclusive ? '<=' : '<'} ${max.value}`,
  ].filter(Boolean);
  return parts.length === 0 ? kind : `${kind} ${parts.join(' and ')}`;
}

function unwrap(node: z.ZodType): z.ZodType {
  let current = node;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** Converts zod issues (from parsing `input` with `schema`) into problems that name the field. */
export function problemsFromZod(error: z.ZodError, input: unknown, schema: z.ZodType): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path;
    const value = valueAt(input, path);
    const secret = isSecretPath(path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          problems.push({ field: fieldPath([...path, key]), problem: 'is not a known field', allowed: knownKeys(schema, path).join(', ') });
        }
        break;
      case 'invalid_type':
        problems.push(
          value === undefined
            ? { field: fieldPath(path), problem: 'is required', allowed: `a ${issue.expected}` }
            : {
                field: fieldPath(path),
                problem: `${showValue(value, secret)} is not valid`,
                allowed:
                  issue.expected === 'int' || issue.expected === 'number'
                    ? (allowedNumbers(schemaAt(schema, path)) ?? (issue.expected === 'int' ? 'a whole number' : 'a number'))
                    : `a ${issue.expected}`,
              },
        );
        break;
      case 'invalid_value':
        problems.push({
          field: fieldPath(path),
          problem: value === undefined ? 'is required' : `${showValue(value, secret)} is not valid`,
          allowed: issue.values.map((v) => String(v)).join(', '),
        });
        break;
      case 'too_small': {
        const bound = `${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}`;
        problems.push({
          field: fieldPath(path),
          problem: typeof value === 'string' && value === '' ? 'is empty' : `${showValue(value, secret)} is too small`,
          allowed:
            issue.origin === 'array' ? `at least ${String(issue.minimum)} item(s)` : issue.origin === 'string' ? 'a non-empty string' : (allowedNumbers(schemaAt(schema, path)) ?? `a number ${bound}`),
        });
        break;
      }
      case 'too_big': {
        const bound = `${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}`;
        problems.push({
          field: fieldPath(path),
          problem: `${showValue(value, secret)} is too large`,
          allowed: issue.origin === 'number' || issue.origin === 'int' ? (allowedNumbers(schemaAt(schema, path)) ?? `a number ${bound}`) : `at most ${String(issue.maximum)}`,
        });
        break;
      }
      default:
        problems.push({ field: fieldPath(path), problem: `${showValue(value, secret)} is not valid: ${issue.message}` });
    }
  }
  return problems;
}
