/**
 * `/environments`, `/deployments`, `/deployments/{uuid}` and `/pipelines/{uuid}/steps` (scope `pipeline`,
 * granular `read:pipeline:bitbucket`, per the spec's `security`). List pages with the usual `page`/`pagelen`
 * (spec: default 10, 100 the maximum). The spec documents no filter or sort for deployments; the listing is
 * newest first by start unless `setDeploymentOrder` says oldest first (see the README).
 */
import type { SimResponse } from '../../server.js';
import type { Call } from '../http/call.js';
import { fail, ok } from '../http/errors.js';
import { listPage, readPagelen } from '../http/pages.js';
import { pipelineUuid } from '../model/derive.js';
import { deploymentsAsListed, deploymentsNewestFirst, renderDeployment, renderEnvironment, renderSteps } from '../render/deployment.js';
import { requireRepository } from './common.js';

export function listEnvironments(call: Call): SimResponse {
  const repo = requireRepository(call);
  const pagelen = readPagelen(call, { defaultValue: 10, max: 100 });
  const environments = call.ctx.data.deployments.of(repo).environments;
  return ok(listPage(call, environments.length, (i) => renderEnvironment(call.ctx, repo, environments[i] as (typeof environments)[number]), pagelen));
}

export function listDeployments(call: Call): SimResponse {
  const repo = requireRepository(call);
  const pagelen = readPagelen(call, { defaultValue: 10, max: 100 });
  const runs = deploymentsAsListed(call.ctx, repo);
  return ok(listPage(call, runs.length, (i) => renderDeployment(call.ctx, repo, runs[i] as (typeof runs)[number]), pagelen));
}

export function getDeployment(call: Call): SimResponse {
  const repo = requireRepository(call);
  const wanted = (call.params['uuid'] ?? '').toLowerCase();
  const normalized = wanted.startsWith('{') ? wanted : `{${wanted}}`;
  const run = deploymentsNewestFirst(call.ctx, repo).find((candidate) => candidate.uuid === normalized);
  if (run === undefined) fail(404, `Deployment not found: ${call.params['uuid'] ?? ''}`);
  return ok(renderDeployment(call.ctx, repo, run));
}

export function listSteps(call: Call): SimResponse {
  const repo = requireRepository(call);
  const pagelen = readPagelen(call, { defaultValue: 10, max: 100 });
  const wanted = (call.params['uuid'] ?? '').toLowerCase();
  const normalized = wanted.startsWith('{') ? wanted : `{${wanted}}`;
  for (let i = 0; i < repo.pipelines.length; i++) {
    if (pipelineUuid(call.ctx.data, repo, i) !== normalized) continue;
    const steps = renderSteps(call.ctx, repo, i);
    return ok(listPage(call, steps.length, (k) => steps[k], pagelen));
  }
  fail(404, `Pipeline not found: ${call.params['uuid'] ?? ''}`);
}
