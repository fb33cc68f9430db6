import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prettyJsonFile, prettyJsonPieces } from './json-pieces.js';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);

describe('prettyJsonPieces', () => {
  it('joins to JSON.stringify(value, null, 2) at every split depth', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.integer({ min: 0, max: 5 }), (value, depth) => {
        expect([...prettyJsonPieces(value, depth)].join('')).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns },
    );
  });

  it('leaves out what JSON.stringify leaves out, and ends a file with a newline', () => {
    const manifest = { status: 'complete', stopReason: undefined, cursorsAfter: { commits: { a: { tip: 'x' }, b: undefined }, empty: {} }, files: { commits: ['x.1.jsonl.gz'] } };
    expect([...prettyJsonFile(manifest, 3)].join('')).toBe(`${JSON.stringify(manifest, null, 2)}\n`);
    const dated = { at: new Date(0), nested: { at: new Date(1) } };
    expect([...prettyJsonPieces(dated, 3)].join('')).toBe(JSON.stringify(dated, null, 2));
  });
});
