/**
 * The control API over HTTP, mounted at `/_sim/datacenter`:
 * - `POST /<method>` with the method's options object as JSON (e.g. `POST /_sim/datacenter/pushCommits`
 *   `{"projectKey":"PLAT","slug":"api","count":3}`) answers the method's result as JSON;
 * - `GET /groundTruth[?kind=commits]`, `GET /counters`, `GET /requestLog`, `GET /credentials`, `POST /resetCounters`.
 */
import type { SimHandler, SimResponse } from '../server.js';
import { ControlError } from './control.js';
import type { DataCenterHandle } from './simulator.js';

const JSON_TYPE = 'application/json; charset=utf-8';

export function createControlHandler(handle: DataCenterHandle, record: (method: string, path: string, status: number) => void): SimHandler {
  const control = handle.control as unknown as Record<string, unknown>;
  return async (request) => {
    const name = request.path.replace(/^\/_sim\/datacenter/, '').replace(/^\/+|\/+$/g, '');
    const answer = (status: number, body: unknown): SimResponse => {
      record(request.method, request.path + request.url.search, status);
      return { status, headers: { 'content-type': JSON_TYPE }, ...(body === undefined ? {} : { body }) };
    };
    try {
      if (request.method === 'GET') {
        if (name === 'groundTruth') {
          const truth = handle.groundTruth();
          const kind = request.url.searchParams.get('kind');
          if (kind) return kind in truth ? answer(200, truth[kind as keyof typeof truth]) : answer(404, { error: `No ground truth kind ${kind}.` });
          return answer(200, { ...truth });
        }
        if (name === 'counters') return answer(200, handle.counters());
        if (name === 'requestLog') return answer(200, handle.requestLog());
        if (name === 'credentials') return answer(200, handle.credentials);
        return answer(404, { error: `No control resource ${name}.` });
      }
      if (request.method !== 'POST') return answer(405, { error: 'Use GET or POST.' });
      if (name === 'resetCounters') {
        handle.resetCounters();
        return answer(204, undefined);
      }
      const method = control[name];
      if (typeof method !== 'function') return answer(404, { error: `No control method ${name}.` });
      let options: unknown = {};
      if (request.body.length > 0) {
        try {
          options = JSON.parse(request.body.toString('utf8'));
        } catch {
          return answer(400, { error: 'The body is not JSON.' });
        }
      }
      // Awaited: `flushWebhooks` answers once deliveries in flight are done.
      const result: unknown = await (method as (o: unknown) => unknown).call(handle.control, options);
      return result === undefined ? answer(204, undefined) : answer(200, result);
    } catch (error) {
      if (error instanceof ControlError) return answer(error.status, { error: error.message });
      return answer(400, { error: (error as Error).message });
    }
  };
}
