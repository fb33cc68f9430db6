/**
 * Request URLs: relative paths joined to the API base path, queries encoded, and absolute URLs
 * (`next` links) accepted only when they have the API's exact origin. Credentials go only to the
 * configured API base: a foreign link, or a path that leaves the base path (`/../../jira/rest/…`, another
 * application on the same origin outside a Data Center context path), is refused before anything is sent.
 */
import { BbsyncError, configError } from '../errors.js';
import { safePath } from './redact.js';
import type { Query } from './types.js';

/**
 * Normalizes the configured API base: http(s) only, no user info, no query or fragment, no trailing slash.
 * @throws config_error naming `field`.
 */
export function parseBaseUrl(baseUrl: string | URL, field = 'baseUrl'): URL {
  let url: URL;
  try {
    url = new URL(String(baseUrl));
  } catch {
    throw configError(field, 'is not an absolute URL', 'an https:// URL such as https://api.bitbucket.org/2.0');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw configError(field, `has scheme ${url.protocol}`, 'an http:// or https:// URL');
  if (url.username !== '' || url.password !== '') {
    throw configError(field, 'must not contain user info (credentials go in `credentials`)', 'a URL without user:password@');
  }
  if (url.search !== '' || url.hash !== '') throw configError(field, 'must not contain a query or fragment', 'a URL without ? or #');
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

/**
 * One path segment taken from data (a slug, key, hash or UUID), percent-encoded so that it can never alter the
 * path. `encodeURIComponent` covers `/`, `?`, `#` and `%`, but leaves `.` as it is, and URL resolution (WHATWG, as
 * `new URL` does it) turns a segment `..` into "the parent" and drops `.`, even written `%2E%2E`: `repositories/ws/..`
 * would become `repositories`. No encoding survives that, so such a name is refused with `bad_response`
 * (skippable: that one partition fails, visibly, instead of reading another resource or passing for "not found").
 * @throws BbsyncError `bad_response` for `.`, `..` and the empty segment.
 */
export function pathSegment(value: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new BbsyncError('bad_response', `Refused a path segment ${JSON.stringify(value)}: it would change the request path (URL resolution drops "." and "..")`, {
      disposition: 'skippable',
      hint: 'The API named a repository, project or other resource with an empty name or a name of dots only, which no URL can address; it is left out of this run.',
    });
  }
  return encodeURIComponent(value);
}

/**
 * Encodes a query: arrays repeat the key, `undefined` is left out, booleans become `true`/`false`.
 * Uses URLSearchParams (so `+` becomes `%2B`, as Bitbucket's `fields` syntax requires) and writes spaces
 * as `%20` rather than `+`, which every server decodes the same way.
 */
export function encodeQuery(query: Query | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as readonly (string | number)[]) params.append(key, String(item));
    else params.append(key, String(value));
  }
  return params.toString().replace(/\+/g, '%20');
}

function hasQuery(query: Query | undefined): boolean {
  return query !== undefined && Object.values(query).some((value) => value !== undefined);
}

/**
 * The absolute URL of a request. Relative paths are joined to the base path (`/repositories/x` on
 * `https://h/2.0` is `https://h/2.0/repositories/x`); absolute URLs must have the base's scheme, host
 * and port (otherwise `pagination_error`), carry no user info, and are used verbatim.
 */
export function resolveRequestUrl(base: URL, url: string, query: Query | undefined): URL {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) {
    let absolute: URL;
    try {
      absolute = new URL(url, base);
    } catch {
      throw new BbsyncError('pagination_error', `Refused an unparseable link (${safePath(url)})`);
    }
    if (absolute.origin !== base.origin || absolute.username !== '' || absolute.password !== '') {
      throw new BbsyncError(
        'pagination_error',
        `Refused a link to ${describeOrigin(absolute)} ${absolute.pathname}: only ${base.origin} receives credentials`,
        { path: safePath(absolute) },
      );
    }
    refuseOutsideBasePath(base, absolute);
    if (hasQuery(query)) {
      throw new BbsyncError('pagination_error', `A query was given with an absolute link (${safePath(absolute)}); links are sent verbatim`, {
        disposition: 'fatal',
      });
    }
    return absolute;
  }
  const relative = url.startsWith('/') ? url : `/${url}`;
  const joined = new URL(`${base.origin}${base.pathname}${relative}`);
  if (joined.origin !== base.origin) throw new BbsyncError('pagination_error', `Refused a path that leaves ${base.origin}`);
  refuseOutsideBasePath(base, joined);
  const encoded = encodeQuery(query);
  if (encoded !== '') joined.search = joined.search === '' ? `?${encoded}` : `${joined.search}&${encoded}`;
  return joined;
}

/**
 * Same origin is not enough: a Data Center server often shares its host with other applications
 * (`https://host/bitbucket` beside `https://host/jira`), and URL resolution turns dot segments into parent
 * folders. The resolved path must be the base path itself or lie below it.
 */
function refuseOutsideBasePath(base: URL, url: URL): void {
  const basePath = base.pathname.replace(/\/+$/, '');
  if (basePath === '' || url.pathname === basePath || url.pathname.startsWith(`${basePath}/`)) return;
  throw new BbsyncError('pagination_error', `Refused a path outside the API base ${basePath}: only ${base.origin}${basePath} receives credentials`, {
    path: safePath(url),
  });
}

function describeOrigin(url: URL): string {
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : `a ${url.protocol} URL`;
}
