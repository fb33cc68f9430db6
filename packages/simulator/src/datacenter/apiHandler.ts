/** The REST API handler: authenticate, rate-limit, route, serialize. Mounted at `<context>/rest/api/{1.0,latest}`. */
import type { SimSwitches } from '../api.js';
import type { SimHandler, SimRequest, SimResponse } from '../server.js';
import { LEVEL, type AuthRegistry, type Principal } from './auth.js';
import type { Dataset } from './dataset.js';
import { requireRepository, type EndpointContext, type EndpointResult } from './endpoints/context.js';
import { DcApiError, dcErrors } from './errors.js';
import type { TokenBuckets } from './rateLimit.js';
import { matchRoute, WEBHOOK_TEMPLATES } from './routes.js';
import { Shapes, shapeOptionsOf } from './shapes.js';
import type { DataCenterWebhooks } from './webhooks.js';

export interface ApiHandlerDeps {
  readonly ds: Dataset;
  readonly auth: AuthRegistry;
  readonly switches: SimSwitches;
  readonly buckets: TokenBuckets | undefined;
  readonly contextPath: string;
  readonly webhooks: DataCenterWebhooks;
  /** Told the origin of every request, so ground truth can carry the same links. */
  readonly onOrigin: (origin: string) => void;
}

const JSON_TYPE = 'application/json;charset=UTF-8';

/** `<repo>/webhooks[/{id}]`: REPO_ADMIN, then the registry. */
function webhookRequest(deps: ApiHandlerDeps, ctx: EndpointContext, request: SimRequest): EndpointResult {
  const repository = requireRepository(ctx);
  if (deps.auth.repositoryLevel(ctx.principal, repository) < LEVEL.REPO_ADMIN) throw dcErrors.notPermittedRepository(ctx.params['projectKey'] ?? '', repository.slug);
  return deps.webhooks.handle(request.method, repository.idx, ctx.params['webhookId'], request.url.searchParams, request.body, ctx.switches.dataCenterMaxLimit.default);
}

export function createApiHandler(deps: ApiHandlerDeps): SimHandler {
  let requestCount = 0;
  return (request: SimRequest): SimResponse => {
    const origin = request.url.origin;
    deps.onOrigin(origin);
    const route = matchRoute(request.path);
    const requestId = `@SIM${(deps.ds.seed >>> 0).toString(16).toUpperCase()}x${Math.floor((deps.ds.clock.now() % 86_400_000) / 60_000)}x${requestCount++}`;
    let principal: Principal | undefined;
    let response: SimResponse;
    try {
      principal = deps.auth.authenticate(request.headers['authorization']);
      if (deps.buckets && principal.kind !== 'anonymous') {
        const taken = deps.buckets.take(principal.kind === 'user' ? `user:${principal.user}` : `token:${principal.token.label}`);
        if (!taken.ok) throw dcErrors.rateLimited(taken.retryAfterSeconds);
      }
      const hooks = route !== undefined && WEBHOOK_TEMPLATES.has(route.template);
      if (!hooks && request.method !== 'GET' && request.method !== 'HEAD') throw dcErrors.methodNotAllowed();
      if (!route) throw dcErrors.notFound(request.path);
      const ctx: EndpointContext = { ds: deps.ds, auth: deps.auth, principal, shapes: new Shapes(deps.ds, origin + deps.contextPath, shapeOptionsOf(request.url.searchParams)), switches: deps.switches, query: request.url.searchParams, params: route.params };
      const result = hooks ? webhookRequest(deps, ctx, request) : route.handler(ctx);
      const status = result.status ?? 200;
      response = { status, headers: { 'content-type': result.contentType ?? JSON_TYPE }, ...(status === 204 || request.method === 'HEAD' ? {} : { body: result.body }) };
    } catch (error) {
      if (!(error instanceof DcApiError)) throw error;
      response = { status: error.status, headers: { 'content-type': JSON_TYPE, ...error.headers }, body: error.body };
    }
    const headers: Record<string, string> = { ...response.headers, 'x-arequestid': requestId, 'cache-control': 'no-cache, no-transform', vary: 'x-ausername,x-auserid,cookie,accept-encoding' };
    if (principal?.kind === 'user') {
      const user = deps.ds.users[principal.user];
      if (user) {
        headers['x-ausername'] = user.name;
        headers['x-auserid'] = String(user.id);
      }
    }
    return { ...response, headers };
  };
}
