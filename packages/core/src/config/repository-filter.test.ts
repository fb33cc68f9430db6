import { describe, expect, it } from 'vitest';
import { isBbsyncError } from '../errors.js';
import { parseRepositoryFilter, repositoryMatcher } from './repository-filter.js';

describe('repository filters', () => {
  it('parses include/exclude and matches canonical names', () => {
    const filter = parseRepositoryFilter({ include: ['acme/api-*'], exclude: ['acme/api-legacy'] }, 'repositories', '"acme/api-*"');
    const matches = repositoryMatcher(filter);
    expect(matches('acme/api-gateway')).toBe(true);
    expect(matches('acme/api-legacy')).toBe(false);
    expect(matches('acme/web')).toBe(false);
    expect(repositoryMatcher(parseRepositoryFilter(undefined, 'repositories', '"x"'))('any/thing')).toBe(true);
  });

  it('restricts a targeted run to exact names (`only`), on top of include/exclude', () => {
    const filter = parseRepositoryFilter({ exclude: ['acme/api-legacy'], only: ['acme/API-gateway', 'acme/api-legacy'] }, 'repositories', '"acme/api-*"');
    const matches = repositoryMatcher(filter);
    expect(matches('acme/api-gateway')).toBe(true);
    expect(matches('acme/api-legacy')).toBe(false);
    expect(matches('acme/api-gateway-2')).toBe(false);
    expect(matches('acme/web')).toBe(false);
    expect(parseRepositoryFilter({ only: [] }, 'repositories', '"x"')).toEqual({ include: [], exclude: [] });
  });

  it.each([
    [[], 'repositories'],
    [{ other: ['x'] }, 'repositories.other'],
    [{ only: [''] }, 'repositories.only'],
    [{ include: 'x' }, 'repositories.include'],
    [{ exclude: [''] }, 'repositories.exclude'],
  ])('names the field of a bad filter %j', (value, field) => {
    try {
      parseRepositoryFilter(value, 'repositories', '"acme/api-*"');
      expect.unreachable();
    } catch (error) {
      expect(isBbsyncError(error, 'config_error')).toBe(true);
      expect((error as { field?: string }).field).toBe(field);
    }
  });
});
