/**
 * The Cloud control API over HTTP, mounted at `/_sim/cloud` (clearly not Bitbucket's):
 * - `POST /_sim/cloud/<method>` calls `handle.control.<method>`. The body is either a JSON array of the
 *   positional arguments, or an object naming them: `{"repo":"payments-service","id":3,"text":"hi"}` (named
 *   leading arguments; the remaining properties form the options argument).
 * - `GET /_sim/cloud/groundTruth[?kind=pullrequests]`, `/truthIds`, `/counters`, `/requestLog`, `/credentials`;
 *   `POST /_sim/cloud/resetCounters`.
 */
import type { SimHandler, SimResponse } from '../server.js';
import type { CloudHandle } from './index.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Leading positional parameters per method (the rest of a JSON object body is the options argument). */
const POSITIONAL: Readonly<Record<string, readonly string[]>> = {
  advance: ['ms'],
  pushCommits: ['repo'],
  forcePush: ['repo'],
  openPullRequest: ['repo'],
  updatePullRequest: ['repo', 'id'],
  approvePullRequest: ['repo', 'id', 'user'],
  unapprovePullRequest: ['repo', 'id', 'user'],
  requestChanges: ['repo', 'id', 'user'],
  commentOnPullRequest: ['repo', 'id'],
  editComment: ['repo', 'id', 'commentId'],
  mergePullRequest: ['repo', 'id', 'user'],
  declinePullRequest: ['repo', 'id', 'user'],
  startPipeline: ['repo'],
  finishPipeline: ['repo', 'uuid', 'result'],
  addMember: [],
  removeMember: ['user'],
  renameRepository: ['repo', 'newName'],
  deleteRepository: ['repo'],
  registerWebhook: [],
  setSwitches: [],
  setFaults: [],
  revokeCredential: ['name'],
  resetRateLimits: [],
  repositories: [],
  webhookDeliveries: [],
  flushWebhooks: [],
  redeliverWebhooks: [],
  truthIds: [],
  startDeployPipeline: ['repo'],
  addDeployment: ['repo'],
  finishDeployment: ['repo', 'uuid', 'status'],
  addBot: [],
  setDeploymentOrder: [],
};

/** Positional methods whose options argument stays out when no other property is given. */
const NO_OPTIONS = new Set(['advance', 'approvePullRequest', 'unapprovePullRequest', 'requestChanges', 'mergePullRequest', 'declinePullRequest', 'finishPipeline', 'finishDeployment', 'removeMember', 'renameRepository', 'deleteRepository', 'revokeCredential']);

export function createCloudControlHandler(handle: () => CloudHandle, record: (method: string, path: string, status: number) => void): SimHandler {
  return async (request) => {
    const name = request.path.replace(/^\/+|\/+$/g, '');
    const answer = (status: number, body: unknown): SimResponse => {
      record(request.method, `/_sim/cloud/${name}${request.url.search}`, status);
      return { status, headers: { 'content-type': JSON_TYPE }, ...(body === undefined ? {} : { body }) };
    };
    const h = handle();
    try {
      if (request.method === 'GET') {
        if (name === 'groundTruth') {
          const truth = h.groundTruth();
          const kind = request.url.searchParams.get('kind');
          if (kind) return kind in truth ? answer(200, truth[kind as keyof typeof truth]) : answer(404, { error: `No ground truth kind ${kind}.` });
          return answer(200, Object.fromEntries(Object.keys(truth).map((k) => [k, truth[k as keyof typeof truth]])));
        }
        if (name === 'truthIds') return answer(200, h.control.truthIds());
        if (name === 'counters') return answer(200, h.counters());
        if (name === 'requestLog') return answer(200, h.requestLog());
        if (name === 'credentials') return answer(200, h.credentials);
        if (name === 'repositories') return answer(200, h.control.repositories());
        if (name === 'webhookDeliveries') return answer(200, h.control.webhookDeliveries());
        return answer(404, { error: `No control resource ${name}.` });
      }
      if (request.method !== 'POST') return answer(405, { error: 'Use GET or POST.' });
      if (name === 'resetCounters') {
        h.resetCounters();
        return answer(204, undefined);
      }
      const method = (h.control as unknown as Record<string, unknown>)[name];
      const positional = POSITIONAL[name];
      if (typeof method !== 'function' || !positional) return answer(404, { error: `No control method ${name}.` });
      let body: unknown = undefined;
      if (request.body.length > 0) {
        try {
          body = JSON.parse(request.body.toString('utf8'));
        } catch {
          return answer(400, { error: 'The body is not JSON.' });
        }
      }
      let args: unknown[];
      if (Array.isArray(body)) args = body;
      else if (body && typeof body === 'object') {
        const rest: Record<string, unknown> = { ...(body as Record<string, unknown>) };
        args = positional.map((key) => {
          const value = rest[key];
          delete rest[key];
          return value;
        });
        if (Object.keys(rest).length > 0 || !NO_OPTIONS.has(name)) args.push(rest);
      } else args = [];
      const result: unknown = await (method as (...a: unknown[]) => unknown).apply(h.control, args);
      return result === undefined ? answer(204, undefined) : answer(200, result);
    } catch (error) {
      return answer(400, { error: (error as Error).message });
    }
  };
}
