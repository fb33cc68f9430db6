import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NewestOrderEvidence } from './newest-order.js';

const pr = (createdDate: number, updatedDate: number) => ({ createdDate, updatedDate });

describe('NewestOrderEvidence', () => {
  it('stays undecided while both orders fit', () => {
    const evidence = new NewestOrderEvidence();
    for (const item of [pr(5, 9), pr(4, 8), pr(3, 3)]) evidence.observe(item);
    expect(evidence.order).toBeUndefined();
    expect(evidence.byUpdatedDate).toBe(false);
  });

  it('proves updated order when created order is refuted', () => {
    const evidence = new NewestOrderEvidence();
    for (const item of [pr(1, 10), pr(5, 9)]) evidence.observe(item);
    expect(evidence.order).toBe('updated');
    expect(evidence.byUpdatedDate).toBe(true);
  });

  it('proves created order when updated order is refuted', () => {
    const evidence = new NewestOrderEvidence();
    for (const item of [pr(5, 6), pr(1, 10)]) evidence.observe(item);
    expect(evidence.order).toBe('created');
  });

  it('starts from prior proofs and combines conflicting ones', () => {
    expect(new NewestOrderEvidence('updated').byUpdatedDate).toBe(true);
    expect(new NewestOrderEvidence('updated', 'created').order).toBe('other');
    expect(new NewestOrderEvidence(undefined).order).toBeUndefined();
  });

  it('never proves updated order for a listing sorted by created date (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ createdDate: fc.integer({ min: 0, max: 1000 }), age: fc.integer({ min: 0, max: 1000 }) })), (rows) => {
        const listing = rows
          .map(({ createdDate, age }) => pr(createdDate, createdDate + age))
          .sort((a, b) => b.createdDate - a.createdDate);
        const evidence = new NewestOrderEvidence();
        for (const item of listing) evidence.observe(item);
        expect(evidence.byUpdatedDate).toBe(false);
      }),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 1000) },
    );
  });

  it('never proves created order for a listing sorted by updated date (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ createdDate: fc.integer({ min: 0, max: 1000 }), age: fc.integer({ min: 0, max: 1000 }) })), (rows) => {
        const listing = rows
          .map(({ createdDate, age }) => pr(createdDate, createdDate + age))
          .sort((a, b) => b.updatedDate - a.updatedDate);
        const evidence = new NewestOrderEvidence();
        for (const item of listing) evidence.observe(item);
        expect(evidence.order === 'created' || evidence.order === 'other').toBe(false);
      }),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 1000) },
    );
  });
});
