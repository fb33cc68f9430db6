/**
 * The state document's text is `JSON.stringify(document, null, 2)` exactly, however it was reached: the file
 * store reuses each partition's text between writes, so a stale piece would silently write an old cursor.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyState, partitionState, StateDocument } from './state-document.js';
import type { SyncState } from './types.js';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);

/** The reference: the whole document through JSON.stringify. */
function reference(document: StateDocument): string {
  return `${JSON.stringify(document.snapshot(), null, 2)}\n`;
}

const names = fc.constantFrom('commits', 'pull_requests', 'pipelines', 'repositories');
// Integer-like keys enumerate before others (and in numeric order): the text must follow the same order.
const keys = fc.oneof(fc.constantFrom('', '{uuid-1}', '{uuid-2}', '7', '12', '003', 'ä/ü "q"'), fc.string({ maxLength: 6 }));
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
