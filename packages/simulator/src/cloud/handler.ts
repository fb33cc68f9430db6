/**
 * The Cloud REST 2.0 request pipeline: route → authenticate → rate limit → scopes → handler → `fields` →
 * headers; seeded faults around it; every request logged.
 */
import type { RequestLogEntry } from '../api.js';
import { cloudRateLimited, withFaults } from '../faults.js';
import type { SimHandler, SimRequest, SimResponse } from '../server.js';
import { hasScope, type CloudIdentity } from './http/auth.js';
import type { Call } from './http/call.js';
import { HttpError, JSON_TYPE, cloudError } from './http/errors.js';
import { applyFields, parseFields } from './http/fields.js';
import type { CloudState } from './state.js';
import { matchRoute, type RouteMatch } from './routes/table.js';

/** Called after a list page with a `next` link was served (the "data moves between pages" fault). */
export type BetweenPagesHook = (call: Call, match: RouteMatch) => void;

const APP_PASSWORD_GONE = 'App passwords are no longer supported. Use API tokens or access tokens instead.';

export function createCloudHandler(state: CloudState, betweenPages?: BetweenPagesHook): SimHandler {
  const api: SimHandler = (request) => serve(state, request, betweenPages);
  const faulted = withFaults(api, () => state.faults, {
    serverError: (status) => cloudError(status, status === 500 ? 'Something went wrong' : 'Service unavailable'),
    rateLimited: (retryAfter) => cloudRateLimited(retryAfter, 1),
  });
  return async (request) => {
    const response = await faulted(request);
    const identity = state.credentials.resolve(request.headers['authorization']);
    const match = matchRoute(request.method, request.path);
    const entry: RequestLogEntry = {
      api: 'cloud',
      method: request.method,
      path: `${request.path}${request.url.search}`,
      status: response.reset ? 0 : response.status,
      credential: typeof identity === 'string' ? identity : identity.name,
      endpoint: match && match !== 'method' ? match.route.template : 'unknown',
    };
    state.log.push(entry);
    return response;
  };
}

function serve(state: CloudState, request: SimRequest, betweenPages: BetweenPagesHook | undefined): SimResponse {
  const match = matchRoute(request.method, request.path);
  if (match === undefined) return cloudError(404, 'Resource not found');
  if (match === 'method') return cloudError(405, `Method ${request.method} not allowed`);
  const identity = state.credentials.resolve(request.headers['authorization']);
  if (identity === 'anonymous') return cloudError(401, 'Authentication required');
  if (identity === 'invalid' || identity.revoked) return cloudError(401, 'Token is invalid, expired, or not supported for this endpoint.');
  if (identity.type === 'app_password') {
    // Full removal on 2026-07-28; removed functionality answers with error.data.announcement_url.
    return cloudError(401, APP_PASSWORD_GONE, {
      data: { announcement_url: 'https://www.atlassian.com/blog/bitbucket/bitbucket-cloud-transitions-to-api-tokens-enhancing-security-with-app-password-deprecation' },
    });
  }
  const scopeHeaders: Record<string, string> = {
    'x-accepted-oauth-scopes': match.route.scope.legacy,
    'x-credential-type': identity.type,
  };
  const decision = state.limiter.take(`${identity.rateKey}:${match.route.resource}`);
  // "Only access token authentication supports" the X-RateLimit-* headers.
  const rateHeaders: Record<string, string> = {};
  if (identity.type.endsWith('access_token')) {
    rateHeaders['x-ratelimit-limit'] = String(decision.limit);
    rateHeaders['x-ratelimit-resource'] = match.route.resource;
    rateHeaders['x-ratelimit-nearlimit'] = String(decision.used >= decision.limit * 0.95);
  }
  if (!decision.allowed) return cloudRateLimited(state.rate.retryAfter, decision.retryAfterSeconds, rateHeaders);
  const withHeaders = (response: SimResponse): SimResponse => ({ ...response, headers: { ...scopeHeaders, ...rateHeaders, ...response.headers } });
  if (!hasScope(identity, match.route.scope)) {
    // The body does not name the missing scope.
    return withHeaders(cloudError(403, 'Your credentials lack one or more required privilege scopes.'));
  }
  const call = makeCall(state, request, match, identity);
  let response: SimResponse;
  try {
    response = match.route.handler(call);
  } catch (error) {
    if (error instanceof HttpError) return withHeaders(error.response);
    throw error;
  }
  if (response.status >= 200 && response.status < 300 && response.body !== undefined && typeof response.body === 'object' && !Buffer.isBuffer(response.body)) {
    const hasNext = typeof (response.body as Record<string, unknown>)['next'] === 'string';
    const fields = parseFields(call.query.get('fields'));
    response = { ...response, body: applyFields(response.body, fields, match.route.hidden ?? []), headers: { 'content-type': JSON_TYPE, ...response.headers } };
    if (hasNext && betweenPages) betweenPages(call, match);
  }
  return withHeaders(response);
}

function makeCall(state: CloudState, request: SimRequest, match: RouteMatch, identity: CloudIdentity): Call {
  const query = new URLSearchParams(request.url.search);
  const contentType = request.headers['content-type'] ?? '';
  if (request.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(request.body.toString('utf8'))) query.append(key, value);
  }
  const origin = `${request.url.protocol}//${request.url.host}`;
  const prefix = request.url.pathname.slice(0, request.url.pathname.length - request.path.length);
  return {
    request,
    query,
    params: match.params,
    identity,
    state,
    path: request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path,
    ctx: { data: state.data, api: `${origin}${prefix}`, changesRequestKey: state.switches.cloudChangesRequestKey },
  };
}
