/**
 * `/pipelines` and `/pipelines/{uuid}`. "Unlike other endpoints … utilizes query parameters" instead of BBQL:
 * creator.uuid, target.ref_type, target.ref_name, target.branch, target.commit.hash, target.selector.*,
 * created_on, trigger_type, status; `sort` in creator.uuid | created_on | run_creation_date (default: oldest
 * first).
 */
import type { SimResponse } from '../../server.js';
import { parseIsoMicros } from '../http/bbql.js';
import type { Call } from '../http/call.js';
import { fail, ok } from '../http/errors.js';
import { listPage, readPagelen } from '../http/pages.js';
import { commitHash, pipelineUuid } from '../model/derive.js';
import type { RepositoryState } from '../model/store.js';
import { pipelineBranch, renderPipeline } from '../render/pipeline.js';
import { requireRepository } from './common.js';

/** The `status` filter values, by (state, result) column values. */
function statusOf(repo: RepositoryState, index: number): string {
  const p = repo.pipelines;
  const state = p.state[index] as number;
  if (state === 0) return 'PENDING';
  if (state === 1) return 'BUILDING';
  if (state === 2) return 'PAUSED';
  return ['PASSED', 'PASSED', 'FAILED', 'STOPPED', 'ERROR', 'STOPPED'][p.result[index] as number] ?? 'UNKNOWN';
}

const TRIGGER_TYPES = ['PUSH', 'MANUAL', 'SCHEDULED'];

export function listPipelines(call: Call): SimResponse {
  const repo = requireRepository(call);
  const pagelen = readPagelen(call, { defaultValue: 10, max: 100 });
  const q = call.query;
  const p = repo.pipelines;
  const data = call.ctx.data;
  let indices = Array.from({ length: p.length }, (_, i) => i);
  const filters: [string, (i: number, v: string) => boolean][] = [
    ['creator.uuid', (i, v) => data.members[p.creator[i] as number]?.uuid === v],
    ['target.ref_type', (_i, v) => v.toUpperCase() === 'BRANCH'],
    ['target.ref_name', (i, v) => pipelineBranch(repo, i) === v],
    ['target.branch', (i, v) => pipelineBranch(repo, i) === v],
    ['target.commit.hash', (i, v) => commitHash(data, repo, p.commit[i] as number).startsWith(v.toLowerCase())],
    ['target.selector.type', (i, v) => (pipelineBranch(repo, i) === repo.mainbranch ? 'BRANCH' : 'DEFAULT') === v.toUpperCase()],
    ['target.selector.pattern', (i, v) => pipelineBranch(repo, i) === repo.mainbranch && v === repo.mainbranch],
    ['trigger_type', (i, v) => TRIGGER_TYPES[p.trigger[i] as number] === v.toUpperCase()],
    ['status', (i, v) => statusOf(repo, i) === v.toUpperCase()],
  ];
  for (const [name, test] of filters) {
    const values = q.getAll(name);
    if (values.length > 0) indices = indices.filter((i) => values.some((v) => test(i, v)));
  }
  for (const raw of q.getAll('created_on')) {
    // created_on: an ISO timestamp; pipelines created at or after it (">=" is what clients use it for).
    const micros = parseIsoMicros(raw);
    if (micros === undefined) fail(400, `Invalid created_on: ${raw}`);
    indices = indices.filter((i) => (p.created[i] as number) * 1000 >= micros);
  }
  const sort = q.get('sort');
  if (sort !== null && sort !== '') {
    const descending = sort.startsWith('-');
    const field = descending ? sort.slice(1) : sort;
    if (!['creator.uuid', 'created_on', 'run_creation_date'].includes(field)) fail(400, `Invalid sort field: ${field}`);
    const key = (i: number): string | number => (field === 'creator.uuid' ? (data.members[p.creator[i] as number]?.uuid ?? '') : (p.created[i] as number));
    indices.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const c = ka < kb ? -1 : ka > kb ? 1 : a - b;
      return descending ? -c : c;
    });
  }
  return ok(listPage(call, indices.length, (k) => renderPipeline(call.ctx, repo, indices[k] as number), pagelen));
}

export function getPipeline(call: Call): SimResponse {
  const repo = requireRepository(call);
  const wanted = (call.params['uuid'] ?? '').toLowerCase();
  const normalized = wanted.startsWith('{') ? wanted : `{${wanted}}`;
  for (let i = 0; i < repo.pipelines.length; i++) {
    if (pipelineUuid(call.ctx.data, repo, i) === normalized) return ok(renderPipeline(call.ctx, repo, i));
  }
  fail(404, `Pipeline not found: ${call.params['uuid'] ?? ''}`);
}
