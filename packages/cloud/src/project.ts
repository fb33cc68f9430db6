/**
 * Projects an object onto dotted field paths, as Bitbucket's `fields=` whitelist does (`a.b` keeps `b`
 * inside `a`; inside arrays the path applies to every element; a parent that ends up with nothing selected
 * is left out, as is a null or scalar where a path goes deeper; an empty list stays). Used where a record arrives by another
 * route than a `fields=`-trimmed request (webhook payloads, activity feed comments), so a record has the
 * same shape whichever way it came.
 */
export function project(value: unknown, paths: readonly string[]): unknown {
  const tree: Tree = new Map();
  for (const path of paths) insert(tree, path.split('.'));
  return pick(value, tree) ?? {};
}

type Tree = Map<string, Tree | true>;

function insert(tree: Tree, parts: readonly string[]): void {
  const [head, ...rest] = parts;
  if (head === undefined) return;
  if (rest.length === 0) {
    tree.set(head, true);
    return;
  }
  let child = tree.get(head);
  if (child === true) return; // the whole field is kept already
  if (child === undefined) {
    child = new Map();
    tree.set(head, child);
  }
  insert(child, rest);
}

/** The selected part of `value`, or undefined when nothing of it is selected. */
function pick(value: unknown, tree: Tree): unknown {
  if (Array.isArray(value)) {
    // An empty list stays (Bitbucket keeps `reviewers: []` under `values.reviewers.uuid`).
    if (value.length === 0) return [];
    const kept = value.map((item) => pick(item, tree)).filter((item) => item !== undefined);
    return kept.length > 0 ? kept : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  let any = false;
  for (const [key, child] of Object.entries(source)) {
    const sub = tree.get(key);
    if (sub === undefined) continue;
    const picked = sub === true ? child : pick(child, sub);
    if (picked === undefined) continue;
    result[key] = picked;
    any = true;
  }
  return any ? result : undefined;
}
