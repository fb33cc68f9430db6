import { describe, expect, it } from 'vitest';
import { applyFields, parseFields } from './fields.js';

const page = {
  pagelen: 2,
  size: 3,
  page: 1,
  next: 'http://x/next',
  values: [
    { id: 1, state: 'OPEN', links: { self: { href: 'a' }, html: { href: 'b' } }, reviewers: [{ nickname: 'ada' }], author: { nickname: 'ben', uuid: '{b}' } },
    { id: 2, state: 'MERGED', links: { self: { href: 'c' }, html: { href: 'd' } }, reviewers: [], author: { nickname: 'cy', uuid: '{c}' } },
  ],
};
const HIDDEN = ['values.reviewers'];
const apply = (fields: string | null): any => applyFields(page, parseFields(fields), HIDDEN);

describe('fields=', () => {
  it('hides condensed-away fields by default', () => {
    const out = apply(null);
    expect(out.values[0]).not.toHaveProperty('reviewers');
    expect(out.next).toBe('http://x/next');
  });

  it('removes with -x and adds with +x', () => {
    const out = apply('-values.links,+values.reviewers');
    expect(out.values[0]).not.toHaveProperty('links');
    expect(out.values[0].reviewers).toEqual([{ nickname: 'ada' }]);
    expect(out.values[0].state).toBe('OPEN');
    expect(out.next).toBe('http://x/next');
  });

  it('whitelists, dropping next unless it is whitelisted too (the trap)', () => {
    const out = apply('values.id,values.reviewers.nickname');
    expect(out).toEqual({ values: [{ id: 1, reviewers: [{ nickname: 'ada' }] }, { id: 2, reviewers: [] }] });
    expect(apply('values.id,next,pagelen')).toEqual({ pagelen: 2, next: 'http://x/next', values: [{ id: 1 }, { id: 2 }] });
  });

  it('supports wildcards', () => {
    const out = apply('-values.links.*');
    expect(out.values[0].links).toEqual({});
    const only = apply('-*,+values.id');
    expect(only).toEqual({ values: [{ id: 1 }, { id: 2 }] });
    expect(apply('values.*.uuid').values[0]).toEqual({ author: { uuid: '{b}' } });
  });

  it('treats an unencoded + (a space) as matching nothing', () => {
    const out = apply(' values.reviewers');
    expect(out.values[0]).not.toHaveProperty('reviewers');
    expect(out.values[0].id).toBe(1);
  });
});
