import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueryError, matches, parseIsoMicros, parseQuery, parseSort, sortBy } from './bbql.js';

const pr = {
  id: 7,
  state: 'MERGED',
  title: 'Fix retry logic',
  updated_on: '2024-03-01T10:00:00.123456+00:00',
  author: { uuid: '{a}', nickname: 'ada' },
  destination: { branch: { name: 'main' } },
  reviewers: [{ uuid: '{b}' }, { uuid: '{c}' }],
  merge_commit: null,
};

const q = (text: string): boolean => matches(parseQuery(text), pr);

describe('BBQL', () => {
  it('compares strings, numbers and nested paths', () => {
    expect(q('state = "MERGED"')).toBe(true);
    expect(q('state != "MERGED"')).toBe(false);
    expect(q('id > 5 AND id <= 7')).toBe(true);
    expect(q('id >= 8')).toBe(false);
    expect(q('destination.branch.name = "main"')).toBe(true);
    expect(q('author.uuid = "{a}"')).toBe(true);
    expect(q('title ~ "retry"')).toBe(true);
    expect(q('title !~ "retry"')).toBe(false);
    expect(q('reviewers.uuid = "{c}"')).toBe(true);
    expect(q('merge_commit = null')).toBe(true);
    expect(q('merge_commit != null')).toBe(false);
  });

  it('compares dates quoted and unquoted, with offsets and microseconds', () => {
    expect(q('updated_on > 2024-03-01T10:00:00Z')).toBe(true);
    expect(q('updated_on > 2024-03-01T10:00:00.123Z')).toBe(true);
    expect(q('updated_on > 2024-03-01T10:00:00.123456Z')).toBe(false);
    expect(q('updated_on >= "2024-03-01T10:00:00.123456+00:00"')).toBe(true);
    expect(q('updated_on > 2024-03-01T11:00:00+02:00')).toBe(true);
    expect(q('updated_on < 2024-03-01T05:00:00-07:00')).toBe(true);
    expect(q('updated_on > 2024-03-01')).toBe(true);
    expect(q('updated_on > 2024-03-02')).toBe(false);
    expect(parseIsoMicros('2015-11-11T00:00:00-07:00')).toBe(Date.UTC(2015, 10, 11, 7) * 1000);
  });

  it('supports IN, NOT IN, OR and parentheses', () => {
    expect(q('state IN ("OPEN", "MERGED")')).toBe(true);
    expect(q('state NOT IN ("OPEN", "MERGED")')).toBe(false);
    expect(q('(state = "DECLINED" OR state = "MERGED") AND updated_on >= 2024-01-01T00:00:00Z')).toBe(true);
    expect(q('state = "DECLINED" OR (state = "MERGED" AND id = 8)')).toBe(false);
    expect(q('state = "merged" or id = 7')).toBe(true);
  });

  it('rejects malformed queries', () => {
    for (const bad of ['state =', 'state "x"', '(state = "x"', 'state = "x" AND', 'state IN "x"', '= 3', 'state = "unterminated']) {
      expect(() => parseQuery(bad), bad).toThrow(QueryError);
    }
  });

  it('sorts by one field, ascending or descending, missing values last', () => {
    const items = [{ n: 2, d: '2024-01-02T00:00:00+00:00' }, { n: 1, d: '2024-01-03T00:00:00+00:00' }, { n: 3 }];
    expect(sortBy(items, ['n'], false, (x) => x).map((x) => x.n)).toEqual([1, 2, 3]);
    expect(sortBy(items, ['n'], true, (x) => x).map((x) => x.n)).toEqual([3, 2, 1]);
    expect(sortBy(items, ['d'], true, (x) => x).map((x) => x.n)).toEqual([1, 2, 3]);
    expect(parseSort('-updated_on')).toEqual({ path: ['updated_on'], descending: true });
    expect(() => parseSort('a,b')).toThrow();
  });

  it('date comparison agrees with numeric comparison of the instants (property)', () => {
    const numRuns = Math.max(1000, Number(process.env['FC_NUM_RUNS'] ?? 1000));
    const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) });
    fc.assert(
      fc.property(instant, instant, fc.integer({ min: -12, max: 14 }), (a, b, offsetHours) => {
        const value = `${new Date(a).toISOString().slice(0, 23)}000+00:00`;
        const local = new Date(b + offsetHours * 3_600_000).toISOString().slice(0, 23);
        const sign = offsetHours < 0 ? '-' : '+';
        const literal = `${local}${sign}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;
        expect(matches(parseQuery(`updated_on > ${literal}`), { updated_on: value })).toBe(a > b);
        expect(matches(parseQuery(`updated_on <= "${literal}"`), { updated_on: value })).toBe(a <= b);
      }),
      { numRuns },
    );
  });
});
