/**
 * `JSON.stringify(value, null, 2)` in pieces, for documents that hold every cursor of a workspace (the run's
 * `state.json` and `manifest.json`): as one string they would be tens of megabytes at once, on the heap, twice
 * (the text and its bytes).
 */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** What `JSON.stringify` leaves out of an object. */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/**
 * The text of `JSON.stringify(value, null, 2)`, piece by piece: plain objects down to `depth` levels are
 * written key by key, anything deeper (and every array) as one piece. Joined, the pieces equal that text.
 */
export function* prettyJsonPieces(value: unknown, depth: number, indent = ''): Generator<string> {
  if (depth <= 0 || !isPlainObject(value)) {
    const text = JSON.stringify(value, null, 2);
    yield indent === '' ? text : text.replaceAll('\n', `\n${indent}`);
    return;
  }
  const inner = `${indent}  `;
  let first = true;
  // Keys first, each value read only when its turn comes: a value may be computed when read (a lazily parsed
  // partition state), and reading them all at once would hold them all.
  for (const key of Object.keys(value)) {
    const child = value[key];
    if (omitted(child)) continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* prettyJsonPieces(child, depth - 1, inner);
  }
  yield first ? '{}' : `\n${indent}}`;
}

/** A JSON file's pieces: {@link prettyJsonPieces} and a final newline. */
export function* prettyJsonFile(value: unknown, depth: number): Generator<string> {
  yield* prettyJsonPieces(value, depth);
  yield '\n';
}
