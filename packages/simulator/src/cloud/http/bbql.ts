/**
 * A subset of BBQL, Bitbucket Cloud's filter language (`q=`), and one-field `sort=`.
 * "Operators: = != ~ !~ > >= < <= IN, NOT IN; types: string (double-quoted), number, null, true/false,
 * datetime (unquoted ISO-8601, UTC if no offset); nested paths (destination.branch.name)." (API intro,
 * "Filter and sort API objects").
 */

export type Literal = string | number | boolean | null | { readonly datetime: number };

export type Query =
  | { readonly kind: 'and' | 'or'; readonly left: Query; readonly right: Query }
  | { readonly kind: 'cmp'; readonly path: readonly string[]; readonly op: string; readonly value: Literal }
  | { readonly kind: 'in'; readonly path: readonly string[]; readonly negated: boolean; readonly values: readonly Literal[] };

export class QueryError extends Error {
  override readonly name = 'QueryError';
}

type Token = { t: 'str'; v: string } | { t: 'num'; v: number } | { t: 'date'; v: number } | { t: 'id'; v: string } | { t: 'op'; v: string } | { t: 'punct'; v: string };

const DATETIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/;

/** Parses an ISO-8601 timestamp to microseconds since the epoch (UTC when there is no offset). */
export function parseIsoMicros(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return undefined;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return ms * 1000 + Number(frac.padEnd(6, '0').slice(0, 6));
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let v = '';
      i++;
      while (i < input.length && input.charAt(i) !== '"') {
        if (input.charAt(i) === '\\' && i + 1 < input.length) i++;
        v += input.charAt(i++);
      }
      if (i >= input.length) throw new QueryError('unterminated string');
      i++;
      tokens.push({ t: 'str', v });
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ t: 'punct', v: c });
      i++;
      continue;
    }
    const op = /^(!=|>=|<=|!~|=|~|>|<)/.exec(input.slice(i));
    if (op) {
      tokens.push({ t: 'op', v: op[1] as string });
      i += (op[1] as string).length;
      continue;
    }
    const rest = input.slice(i);
    const date = DATETIME.exec(rest);
    if (date && /^\d{4}-/.test(rest)) {
      const micros = parseIsoMicros(date[0]);
      if (micros === undefined) throw new QueryError(`invalid datetime ${date[0]}`);
      tokens.push({ t: 'date', v: micros });
      i += date[0].length;
      continue;
    }
    const num = /^-?\d+(?:\.\d+)?/.exec(rest);
    if (num) {
      tokens.push({ t: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_.\-]*/.exec(rest);
    if (id) {
      tokens.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    throw new QueryError(`unexpected character '${c}' at ${i}`);
  }
  return tokens;
}

/** Parses a `q=` expression. Throws QueryError on invalid input. */
export function parseQuery(input: string): Query {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isKeyword = (token: Token | undefined, word: string): boolean => token?.t === 'id' && token.v.toUpperCase() === word;
  const expect = (value: string): void => {
    const token = tokens[pos++];
    if (!token || token.t !== 'punct' || token.v !== value) throw new QueryError(`expected '${value}'`);
  };
  const literal = (): Literal => {
    const token = tokens[pos++];
    if (!token) throw new QueryError('expected a value');
    if (token.t === 'str' || token.t === 'num') return token.v;
    if (token.t === 'date') return { datetime: token.v };
    if (token.t === 'id') {
      const word = token.v.toLowerCase();
      if (word === 'null') return null;
      if (word === 'true') return true;
      if (word === 'false') return false;
    }
    throw new QueryError(`unexpected value '${String((token as { v: unknown }).v)}'`);
  };
  const list = (): Literal[] => {
    expect('(');
    const values = [literal()];
    while (peek()?.t === 'punct' && peek()?.v === ',') {
      pos++;
      values.push(literal());
    }
    expect(')');
    return values;
  };
  const primary = (): Query => {
    const token = peek();
    if (token?.t === 'punct' && token.v === '(') {
      pos++;
      const inner = or();
      expect(')');
      return inner;
    }
    if (token?.t !== 'id') throw new QueryError('expected a field name');
    pos++;
    const path = token.v.split('.');
    if (path.some((part) => part === '')) throw new QueryError(`invalid field name '${token.v}'`);
    if (isKeyword(peek(), 'IN')) {
      pos++;
      return { kind: 'in', path, negated: false, values: list() };
    }
    if (isKeyword(peek(), 'NOT') && isKeyword(tokens[pos + 1], 'IN')) {
      pos += 2;
      return { kind: 'in', path, negated: true, values: list() };
    }
    const op = tokens[pos++];
    if (!op || op.t !== 'op') throw new QueryError(`expected an operator after '${token.v}'`);
    return { kind: 'cmp', path, op: op.v, value: literal() };
  };
  const and = (): Query => {
    let left = primary();
    while (isKeyword(peek(), 'AND')) {
      pos++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  function or(): Query {
    let left = and();
    while (isKeyword(peek(), 'OR')) {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  }
  const query = or();
  if (pos !== tokens.length) throw new QueryError('unexpected input after the expression');
  return query;
}

/** Every field path the query names (to validate against the resource's fields). */
export function queryPaths(query: Query): string[][] {
  if (query.kind === 'cmp' || query.kind === 'in') return [[...query.path]];
  return [...queryPaths(query.left), ...queryPaths(query.right)];
}

/** Values at `path`, looking into arrays (`reviewers.uuid` matches any reviewer). */
export function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [value];
  for (const key of path) {
    const next: unknown[] = [];
    for (const item of current) {
      if (Array.isArray(item)) {
        for (const element of item) if (element && typeof element === 'object') next.push((element as Record<string, unknown>)[key]);
      } else if (item && typeof item === 'object') {
        next.push((item as Record<string, unknown>)[key]);
      }
    }
    current = next.flatMap((v) => (Array.isArray(v) ? v : [v]));
  }
  return current;
}

function compare(field: unknown, op: string, literal: Literal): boolean {
  if (literal === null) {
    const isNull = field === null || field === undefined;
    return op === '=' ? isNull : op === '!=' ? !isNull : false;
  }
  if (field === null || field === undefined) return op === '!=';
  let a: number | string | boolean;
  let b: number | string | boolean;
  const literalDate = typeof literal === 'object' ? literal.datetime : typeof literal === 'string' ? parseIsoMicros(literal) : undefined;
  const fieldDate = typeof field === 'string' ? parseIsoMicros(field) : undefined;
  if (literalDate !== undefined && fieldDate !== undefined) {
    a = fieldDate;
    b = literalDate;
  } else if (typeof literal === 'object') {
    return false;
  } else if (typeof field === 'number' && typeof literal === 'number') {
    a = field;
    b = literal;
  } else if (typeof field === 'boolean' || typeof literal === 'boolean') {
    a = String(field);
    b = String(literal);
  } else {
    a = String(field);
    b = String(literal);
  }
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '~':
      return String(a).toLowerCase().includes(String(b).toLowerCase());
    case '!~':
      return !String(a).toLowerCase().includes(String(b).toLowerCase());
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    default:
      return false;
  }
}

/** Whether `item` satisfies the query. */
export function matches(query: Query, item: unknown): boolean {
  switch (query.kind) {
    case 'and':
      return matches(query.left, item) && matches(query.right, item);
    case 'or':
      return matches(query.left, item) || matches(query.right, item);
    case 'cmp': {
      const values = valuesAt(item, query.path);
      if (values.length === 0) return compare(undefined, query.op, query.value);
      return query.op === '!=' || query.op === '!~' ? values.every((v) => compare(v, query.op, query.value)) : values.some((v) => compare(v, query.op, query.value));
    }
    case 'in': {
      const values = valuesAt(item, query.path);
      const hit = values.some((v) => query.values.some((l) => compare(v, '=', l)));
      return query.negated ? !hit : hit;
    }
  }
}

/** Parses `sort=` (one field, `-` for descending). */
export function parseSort(sort: string): { path: string[]; descending: boolean } {
  const trimmed = sort.trim();
  const descending = trimmed.startsWith('-');
  const path = (descending ? trimmed.slice(1) : trimmed).split('.');
  if (path.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) throw new QueryError(`invalid sort field '${sort}'`);
  return { path, descending };
}

function sortKey(value: unknown): number | string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const text = String(value);
  return parseIsoMicros(text) ?? text.toLowerCase();
}

/** Stable sort of `items` by the field at `path`; missing values sort last. */
export function sortBy<T>(items: readonly T[], path: readonly string[], descending: boolean, valueOf: (item: T) => unknown): T[] {
  const keyed = items.map((item, i) => ({ item, i, key: sortKey(valuesAt(valueOf(item), path)[0]) }));
  keyed.sort((x, y) => {
    if (x.key === undefined || y.key === undefined) return x.key === y.key ? x.i - y.i : x.key === undefined ? 1 : -1;
    if (x.key === y.key) return x.i - y.i;
    const less = x.key < y.key;
    return (less ? -1 : 1) * (descending ? -1 : 1);
  });
  return keyed.map((k) => k.item);
}
