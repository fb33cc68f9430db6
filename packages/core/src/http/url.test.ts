import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBbsyncError } from '../errors.js';
import { parseBaseUrl, pathSegment, resolveRequestUrl } from './url.js';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);
const BASE = parseBaseUrl('https://api.bitbucket.org/2.0');

describe('pathSegment', () => {
  it.each(['.', '..', ''])('refuses %j with a skippable bad_response: URL resolution would change the path', (name) => {
    let thrown: unknown;
    try {
      pathSegment(name);
    } catch (error) {
      thrown = error;
    }
    expect(isBbsyncError(thrown, 'bad_response')).toBe(true);
    expect((thrown as { disposition?: string }).disposition).toBe('skippable');
    expect((thrown as Error).message).toContain(JSON.stringify(name));
  });

  it('percent-encoding cannot save a dot segment (so refusing is the only safe answer)', () => {
    // WHATWG URL treats %2E as a dot, so "encode the dots" would still leave /repositories/ws.
    expect(new URL('https://h/2.0/repositories/ws/%2E%2E/commits').pathname).toBe('/2.0/repositories/commits');
    expect(new URL('https://h/2.0/repositories/ws/%2e/commits').pathname).toBe('/2.0/repositories/ws/commits');
  });

  it('keeps every other name as exactly one segment that decodes back to the name', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('...', '.hidden', 'a..b', '~user', '{uuid}', '%2e%2e', '.%2E', 'a/../b', '?#')),
        (name) => {
          fc.pre(name !== '.' && name !== '..');
          const url = resolveRequestUrl(BASE, `/repositories/ws/${pathSegment(name)}/commits`, undefined);
          const segments = url.pathname.split('/');
          expect(segments).toHaveLength(6);
          expect(segments.slice(0, 4)).toEqual(['', '2.0', 'repositories', 'ws']);
          expect(decodeURIComponent(segments[4] as string)).toBe(name);
          expect(segments[5]).toBe('commits');
        },
      ),
      { numRuns },
    );
  });
});
