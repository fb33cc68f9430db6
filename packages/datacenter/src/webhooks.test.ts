/**
 * The Data Center webhook description: listing with the start/limit paginator (Data Center sends no `next`
 * links; one in a hostile answer is ignored, so credentials never leave the API base), create and update,
 * against a hostile local server that records every request; and delivery parsing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseCredentials } from '@bbsync/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createDataCenterClient } from './client.js';
import { parseDataCenterConfig } from './config.js';
import { dataCenterWebhooks } from './webhooks.js';

const PASSWORD = 'dc-pat-NjU0MzIxOTg3NjU0OmFiY2RlZg';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly authorized: boolean;
  readonly body: string;
}

/** A server at `/bitbucket` whose hook listing carries `next` links out of the context path and dot segments. */
async function hostile(): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://x');
      seen.push({ method: request.method ?? '', path: url.pathname, authorized: request.headers.authorization !== undefined, body: Buffer.concat(chunks).toString('utf8') });
      const origin = `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
      response.setHeader('content-type', 'application/json');
      if (request.method === 'GET' && url.pathname.endsWith('/webhooks')) {
        const start = Number(url.searchParams.get('start') ?? 0);
        const page =
          start === 0
            ? { values: [{ id: 3, url: 'https://elsewhere.example/hook', events: ['pr:opened'], active: true }], start: 0, limit: 100, size: 1, isLastPage: false, nextPageStart: 1, next: `${origin}/jira/rest/api/2/myself`, links: { next: '/../../../../jira/rest/api/2/myself' } }
            : { values: [{ id: 9, url: 'https://hooks.example.com/bbsync', events: ['pr:opened'], active: true }], start: 1, limit: 100, size: 1, isLastPage: true, next: `${origin}/bitbucket/../jira/x` };
        response.end(JSON.stringify(page));
        return;
      }
      response.statusCode = request.method === 'POST' ? 201 : 200;
      response.end(JSON.stringify({ id: request.method === 'POST' ? 10 : 9, url: 'https://hooks.example.com/bbsync', events: ['pr:opened'], active: true }));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('Data Center webhooks: register', () => {
  it('lists with start/limit only (never a `next` link), then updates the hook with the same URL', async () => {
    const { origin, seen } = await hostile();
    const config = parseDataCenterConfig({ baseUrl: `${origin}/bitbucket`, rateLimit: false });
    const client = createDataCenterClient(config, parseCredentials([{ username: 'admin', password: PASSWORD }]));
    try {
      const [target] = dataCenterWebhooks.targets(config, ['PROJ/api']);
      if (target === undefined) throw new Error('no target');
      expect(target.path).toBe('/projects/PROJ/repos/api/webhooks');
      const hooks = await dataCenterWebhooks.list(client, target);
      expect(hooks.map((hook) => hook.id)).toEqual(['3', '9']);
      const existing = hooks.find((hook) => hook.url === 'https://hooks.example.com/bbsync');
      await dataCenterWebhooks.save(client, target, { url: 'https://hooks.example.com/bbsync', secret: 'hook-secret', events: ['pr:opened'], name: 'bbsync' }, existing);
      await dataCenterWebhooks.save(client, target, { url: 'https://other.example.com/x', secret: '', events: ['pr:opened'], name: 'bbsync' }, undefined);
    } finally {
      await client.close();
    }
    expect(seen.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /bitbucket/rest/api/1.0/projects/PROJ/repos/api/webhooks',
      'GET /bitbucket/rest/api/1.0/projects/PROJ/repos/api/webhooks',
      'PUT /bitbucket/rest/api/1.0/projects/PROJ/repos/api/webhooks/9',
      'POST /bitbucket/rest/api/1.0/projects/PROJ/repos/api/webhooks',
    ]);
    // Every request (and so every credential sent) stayed below the configured API base.
    expect(seen.every((request) => request.path.startsWith('/bitbucket/rest/api/1.0/'))).toBe(true);
    expect(JSON.parse(seen[2]?.body ?? '{}')).toEqual({ name: 'bbsync', url: 'https://hooks.example.com/bbsync', active: true, events: ['pr:opened'], configuration: { secret: 'hook-secret' } });
    expect(JSON.parse(seen[3]?.body ?? '{}')).not.toHaveProperty('configuration');
  });

  it('needs a target per repository and refuses a malformed one', () => {
    const config = parseDataCenterConfig({ baseUrl: 'https://dc.example.com', rateLimit: false });
    expect(() => dataCenterWebhooks.targets(config, [])).toThrow(/target/);
    expect(() => dataCenterWebhooks.targets(config, ['nope'])).toThrow(/PROJECT\/slug/);
  });
});

describe('Data Center webhooks: deliveries', () => {
  const repository = { id: 42, slug: 'api', project: { key: 'PROJ' } };
  const pullRequest = { id: 7, version: 2, title: 'T', state: 'OPEN', createdDate: 1_700_000_000_000, updatedDate: 1_700_000_360_000, toRef: { id: 'refs/heads/main', repository }, fromRef: { id: 'refs/heads/f', repository } };

  it('turns pull request events into the pull_requests record the stream writes, and pr:deleted into a deletion marker', () => {
    const body = Buffer.from(JSON.stringify({ eventKey: 'pr:reviewer:approved', date: '2026-01-01T00:00:00+0000', actor: { slug: 'ada' }, pullRequest }));
    const parsed = dataCenterWebhooks.parseDelivery({ 'x-event-key': 'pr:reviewer:approved', 'x-request-id': 'r1' }, body);
    expect(parsed.repository).toEqual({ key: '42', name: 'PROJ/api' });
    expect(parsed.records).toEqual([
      { stream: 'pull_requests', key: '42:7', deleted: false, data: { ...pullRequest, repositoryId: 42, createdDateIso: '2023-11-14T22:13:20.000Z', updatedDateIso: '2023-11-14T22:19:20.000Z' } },
    ]);
    const deleted = dataCenterWebhooks.parseDelivery({ 'x-event-key': 'pr:deleted' }, Buffer.from(JSON.stringify({ pullRequest })));
    expect(deleted.records).toEqual([{ stream: 'pull_requests', key: '42:7', deleted: true, data: null }]);
    // The legacy "needs work" key is parsed like the current one.
    expect(dataCenterWebhooks.parseDelivery({ 'x-event-key': 'pr:reviewer:needs_work' }, Buffer.from(JSON.stringify({ pullRequest }))).records).toHaveLength(1);
  });

  it('names the repository of a push but writes nothing for it; refuses a body that is not JSON', () => {
    const push = dataCenterWebhooks.parseDelivery({ 'x-event-key': 'repo:refs_changed' }, Buffer.from(JSON.stringify({ repository, changes: [] })));
    expect(push).toEqual({ event: 'repo:refs_changed', repository: { key: '42', name: 'PROJ/api' }, records: [] });
    expect(() => dataCenterWebhooks.parseDelivery({}, Buffer.from('<html>'))).toThrow(/not a JSON object/);
    expect(dataCenterWebhooks.recognizes({ 'X-Request-Id': 'x' })).toBe(true);
    expect(dataCenterWebhooks.recognizes({ 'x-request-uuid': 'x' })).toBe(false);
  });
});
