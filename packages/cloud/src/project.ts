/**
 * Projects an object onto dotted field paths, as Bitbucket's `fields=` whitelist does (`a.b` keeps `b`
 * inside `a`; inside arrays the path applies to every element). Used where a record arrives by another
 * route than a `fields=`-trimmed request (webhook payloads, activity feed comments), so a record has the
 * same shape whichever way it came.
 */
export function project(value: unknown, paths: readonly string[]): unknown {
  const tree = new Map<string, unknown>();
  for (const path of paths) insert(tree, path.split('.'));
  return pick(value, tree);
}

type Tree = Map<string, Tree | true>;

function insert(tree: Map<string, unknown>, parts: readonly string[]): void {
  const [head, ...rest] = parts;
  if (head === undefined) return;
  if (rest.length === 0) {
    tree.set(head, true);
    return;
  }
  let child = tree.get(head);
  if (child === true) return; // the whole field is kept already
  if (child === undefined) {
    child = new Map<string, unknown>();
    tree.set(head, child);
  }
  insert(child as Map<string, unknown>, rest);
}

function pick(value: unknown, tree: Map<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => pick(item, tree));
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, sub] of tree) {
    if (!(key in source)) continue;
    result[key] = sub === true ? source[key] : pick(source[key], sub as Tree);
  }
  return result;
}
