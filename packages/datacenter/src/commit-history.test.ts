import { describe, expect, it } from 'vitest';
import { floorOf, hasParent, mergeRecent } from './commit-history.js';

describe('commit history memory', () => {
  it('merges newest first, drops removed and duplicates, bounds the size', () => {
    const merged = mergeRecent(
      [
        ['c', 30],
        ['b', 20],
      ],
      [
        ['b', 20],
        ['a', 10],
        ['x', 5],
      ],
      new Set(['x']),
      3,
    );
    expect(merged).toEqual([
      ['c', 30],
      ['b', 20],
      ['a', 10],
    ]);
    expect(mergeRecent([['c', 30]], [['a', 10]], new Set(), 1)).toEqual([['c', 30]]);
  });

  it('finds the floor and parents', () => {
    expect(floorOf([])).toBeUndefined();
    expect(floorOf([['a', 5], ['b', 3], ['c', 9]])).toBe(3);
    expect(hasParent([{ id: 'b', parents: [{ id: 'a' }] }], 'a')).toBe(true);
    expect(hasParent([{ id: 'b', parents: [{ id: 'z' }] }, { id: 'c' }], 'a')).toBe(false);
  });
});
