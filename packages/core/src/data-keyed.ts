/**
 * Objects keyed by data. Repository UUIDs, partition keys, stream names and member ids come from the API or from
 * folder names, and any of them may be `__proto__`, `constructor`, `toString` or `hasOwnProperty`. On an ordinary
 * object those names hit `Object.prototype`: a lookup finds an inherited function, `key in` is true for a key
 * never set, and assigning `__proto__` replaces the prototype instead of storing an entry (which then vanishes
 * from `Object.keys` and JSON). An object without a prototype has none of that: every key is its own entry, and
 * `JSON.stringify` writes it like any object. Prefer a `Map` in memory; use these where the value is JSON (cursors,
 * manifests).
 */

/** An empty object without a prototype, for entries keyed by data; `entries` are copied in (own ones only). */
export function dataKeyed<T>(entries?: Readonly<Record<string, T>> | Iterable<readonly [string, T]> | undefined): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (entries === undefined) return out;
  const pairs = Symbol.iterator in entries ? (entries as Iterable<readonly [string, T]>) : Object.entries(entries as Record<string, T>);
  for (const [key, value] of pairs) out[key] = value;
  return out;
}
