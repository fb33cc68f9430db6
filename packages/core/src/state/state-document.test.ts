/**
 * The state document's text is `JSON.stringify(document, null, 2)` exactly, however it was reached: the file
 * store reuses each partition's text between writes, so a stale piece would silently write an old cursor.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyState, PARSED_STATES_KEPT, parseState, partitionState, StateDocument } from './state-document.js';
import type { SyncState } from './types.js';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);

/** The reference: the whole document through JSON.stringify. */
function reference(document: StateDocument): string {
  return `${JSON.stringify(document.snapshot(), null, 2)}\n`;
}

/** Names that an ordinary object resolves on Object.prototype: keys from data may be any of them. */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;
const names = fc.constantFrom('commits', 'pull_requests', 'pipelines', 'repositories', '__proto__', 'constructor');
// Integer-like keys enumerate before others (and in numeric order): the text must follow the same order.
const keys = fc.oneof(fc.constantFrom('', '{uuid-1}', '{uuid-2}', '7', '12', '003', 'ä/ü "q"', ...PROTOTYPE_NAMES), fc.string({ maxLength: 6 }));
const cursors = fc.jsonValue({ maxDepth: 3 });
const operation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), stream: names, key: keys, cursor: cursors, outputs: fc.option(fc.array(names, { maxLength: 2 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('remove' as const), stream: names, key: keys }),
  fc.record({ kind: fc.constant('serialize' as const) }),
);

describe('StateDocument serialization', () => {
  it('equals JSON.stringify(document, null, 2) after any commits, removals and earlier writes', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 30 }), (operations) => {
        const document = new StateDocument(emptyState('cloud:https://example.test/2.0:acme'));
        for (const op of operations) {
          if (op.kind === 'set') document.set(op.stream, op.key, partitionState(op.cursor, '2026-01-01T00:00:00.000Z', { key: op.key }, op.outputs));
          else if (op.kind === 'remove') document.remove(op.stream, op.key);
          else expect(document.serialize()).toBe(reference(document));
        }
        expect(document.serialize()).toBe(reference(document));
        expect(Buffer.concat(document.serializeParts()).toString('utf8')).toBe(reference(document));
      }),
      { numRuns },
    );
  });

  it('writes a loaded document (empty streams included) as JSON.stringify does', () => {
    const loaded: SyncState = {
      version: 1,
      scope: 'datacenter:https://bitbucket.example.com',
      streams: { empty: {}, commits: { '42': { cursor: { tip: 'abc' }, committedAt: '2026-01-01T00:00:00.000Z' }, '7': { cursor: null, committedAt: '2026-01-02T00:00:00.000Z' } } },
    };
    const document = new StateDocument(loaded);
    expect(document.serialize()).toBe(`${JSON.stringify(loaded, null, 2)}\n`);
    expect(new StateDocument(emptyState('s')).serialize()).toBe(`${JSON.stringify(emptyState('s'), null, 2)}\n`);
  });
});

describe('StateDocument with keys named like Object.prototype members', () => {
  it('stores, lists, writes and reads back __proto__, constructor, toString, hasOwnProperty and valueOf as keys and stream names', () => {
    const scope = 'cloud:https://example.test/2.0:acme';
    const document = new StateDocument(emptyState(scope));
    expect(document.get('pull_requests', 'constructor')).toBeUndefined();
    expect(document.get('constructor', 'toString')).toBeUndefined();
    for (const stream of ['pull_requests', ...PROTOTYPE_NAMES]) {
      for (const key of PROTOTYPE_NAMES) document.set(stream, key, partitionState({ stream, key }, '2026-01-01T00:00:00.000Z', { key }, undefined));
    }
    const check = (state: StateDocument) => {
      for (const stream of ['pull_requests', ...PROTOTYPE_NAMES]) {
        for (const key of PROTOTYPE_NAMES) expect(state.get(stream, key)?.cursor).toEqual({ stream, key });
        const partitions = state.partitions(stream);
        expect(Object.keys(partitions).sort()).toEqual([...PROTOTYPE_NAMES].sort());
        expect(Object.hasOwn(partitions, '__proto__')).toBe(true);
      }
      expect(Object.keys(state.snapshot().streams).sort()).toEqual(['pull_requests', ...PROTOTYPE_NAMES].sort());
    };
    check(document);
    // The written text holds every entry (JSON.parse makes `__proto__` an own key), and loads back whole.
    const text = document.serialize();
    const parsed = JSON.parse(text) as { streams: Record<string, Record<string, unknown>> };
    expect(Object.keys(parsed.streams).sort()).toEqual(['pull_requests', ...PROTOTYPE_NAMES].sort());
    for (const stream of Object.keys(parsed.streams)) expect(Object.keys(parsed.streams[stream] as object).sort()).toEqual([...PROTOTYPE_NAMES].sort());
    const loaded = new StateDocument(parseState(text, scope, 'test'));
    check(loaded);
    expect(loaded.serialize()).toBe(text);
    loaded.remove('__proto__', 'constructor');
    expect(loaded.get('__proto__', 'constructor')).toBeUndefined();
    expect(Object.keys(loaded.partitions('__proto__'))).toHaveLength(PROTOTYPE_NAMES.length - 1);
  });
});

describe('StateDocument with more partitions than it keeps parsed', () => {
  const cursor = (i: number) => ({ known: [`${i}`.padStart(40, 'a'), 'b'.repeat(40)], n: i, name: `repo-ä-${i}` });

  it('hands out the same values after their parsed states were dropped, in get, partitions and snapshot', () => {
    const document = new StateDocument(emptyState('s'));
    const count = PARSED_STATES_KEPT * 3;
    for (let i = 0; i < count; i++) document.set('commits', `{uuid-${i}}`, partitionState(cursor(i), '2026-01-01T00:00:00.000Z', { key: `{uuid-${i}}` }, undefined));
    const before = JSON.stringify(document.snapshot());
    const text = document.serialize(); // gives every partition its bytes, then drops the least recently used parsed states
    for (let i = 0; i < count; i += 7) expect(document.get('commits', `{uuid-${i}}`)?.cursor).toEqual(cursor(i));
    expect(Object.isFrozen(document.get('commits', '{uuid-0}')?.cursor)).toBe(true);
    expect(JSON.stringify(document.snapshot())).toBe(before);
    expect(document.serialize()).toBe(text);
    const snapshot = document.snapshot();
    document.set('commits', '{uuid-1}', partitionState({ changed: true }, '2026-01-02T00:00:00.000Z', undefined, undefined));
    expect(snapshot.streams.commits?.['{uuid-1}']?.cursor).toEqual(cursor(1)); // a snapshot does not change
    expect(Object.keys(document.partitions('commits'))).toHaveLength(count);
    expect(document.partitions('commits')['{uuid-1}']?.cursor).toEqual({ changed: true });
    expect(document.serialize()).toBe(`${JSON.stringify(document.snapshot(), null, 2)}\n`);
  });

  it('keeps a loaded state readable once it was written', () => {
    const loaded = new StateDocument({ version: 1, scope: 's', streams: { commits: Object.fromEntries(Array.from({ length: 600 }, (_, i) => [String(i), { cursor: cursor(i), committedAt: 'x' }])) } });
    const text = loaded.serialize();
    expect(loaded.get('commits', '5')?.cursor).toEqual(cursor(5));
    expect(loaded.serialize()).toBe(text);
  });
});
