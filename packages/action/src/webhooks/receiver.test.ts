/**
 * The receiver over real HTTP with real files: signatures, replays, size limits, a burst with bounded
 * concurrency, restarts, the per-source rate limit, and targeted-sync dispatches to a stand-in for GitHub's
 * API. Deliveries here are built by hand (Cloud's documented shape) and signed with node:crypto directly, not
 * with the code under test.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, mergeRuns, readRecords, silentLogger, systemClock, type Clock, type RecordEnvelope } from '@bbsync/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectorFor } from '../run/connectors.js';
import { RepositoryDispatcher } from './dispatch.js';
import { createWebhookReceiver, type ReceiverOptions, type WebhookReceiver } from './receiver.js';
import { JOURNAL_FILE, WebhookStore } from './webhook-store.js';

const SECRET = 'whsec-Gkvl$k$wyNpQAF42-receiver';
const REPO = { uuid: '{11111111-2222-3333-4444-555555555555}', full_name: 'acme/api' };

let dir: string;
const open: WebhookReceiver[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bbsync-receiver-'));
});
afterEach(async () => {
  for (const receiver of open.splice(0)) await receiver.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function start(overrides: Partial<ReceiverOptions> = {}, clock: Clock = systemClock): Promise<{ url: string; receiver: WebhookReceiver; store: WebhookStore }> {
  const store = await WebhookStore.open({ dir, clock });
  const receiver = createWebhookReceiver({ secret: SECRET, store, connectors: [connectorFor('cloud'), connectorFor('datacenter')], clock, logger: silentLogger, ...overrides });
  open.push(receiver);
  return { url: await receiver.listen(0, '127.0.0.1'), receiver, store };
}

async function stop(receiver: WebhookReceiver): Promise<void> {
  open.splice(open.indexOf(receiver), 1);
  await receiver.close();
}

function pullRequestPayload(id: number, title = `PR ${id}`): string {
  return JSON.stringify({
    actor: { type: 'user', uuid: '{u-1}', display_name: 'Ada' },
    repository: { type: 'repository', ...REPO },
    pullrequest: { type: 'pullrequest', id, title, state: 'OPEN', updated_on: '2026-03-01T10:00:00.000000+00:00', created_on: '2026-03-01T09:00:00.000000+00:00' },
  });
}

function signed(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(`${url}/hooks/bitbucket`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  await response.arrayBuffer();
  return response.status;
}

function cloudHeaders(body: string, requestUuid: string = randomUUID(), event = 'pullrequest:created'): Record<string, string> {
  return { 'x-event-key': event, 'x-request-uuid': requestUuid, 'x-hook-uuid': 'h', 'x-attempt-number': '1', 'x-hub-signature': signed(body) };
}

async function merged(): Promise<RecordEnvelope[]> {
  const runs = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => join(dir, entry.name));
  const out = join(dir, '..', `${dir.split('/').pop() ?? 'x'}-snapshot`);
  await rm(out, { recursive: true, force: true });
  await mergeRuns({ inputs: runs.sort(), outputDir: out });
  const records: RecordEnvelope[] = [];
  for await (const record of readRecords(out)) records.push(record);
  await rm(out, { recursive: true, force: true });
  return records;
}

/** Every line the run folders hold (before any merge), excluding the journal. */
async function lines(): Promise<RecordEnvelope[]> {
  const records: RecordEnvelope[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for await (const record of readRecords(join(dir, entry.name))) records.push(record);
  }
  return records;
}

describe('webhooks serve: what is refused writes nothing', () => {
  it('answers 401 to unsigned, badly signed and wrong-secret deliveries, and writes nothing', async () => {
    const { url } = await start();
    const body = pullRequestPayload(1);
    const { 'x-hub-signature': _signature, ...unsigned } = cloudHeaders(body);
    expect(await post(url, body, unsigned)).toBe(401);
    expect(await post(url, body, { ...unsigned, 'x-hub-signature': 'sha256=00' })).toBe(401);
    expect(await post(url, body, { ...unsigned, 'x-hub-signature': signed(body, 'another-secret') })).toBe(401);
    expect(await post(url, body, { ...unsigned, 'x-hub-signature': signed(`${body} `) })).toBe(401);
    // sha1= (GitHub's old scheme) is not Bitbucket's.
    expect(await post(url, body, { ...unsigned, 'x-hub-signature': `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}` })).toBe(401);
    expect(await lines()).toEqual([]);
    expect((await readdir(dir)).filter((name) => name !== JOURNAL_FILE)).toEqual([]);
  });

  it('answers 413 to an oversized body (declared or streamed) and writes nothing', async () => {
    const { url } = await start({ maxBodyBytes: 2048 });
    const body = JSON.stringify({ ...JSON.parse(pullRequestPayload(1)), padding: 'x'.repeat(4096) });
    expect(await post(url, body, cloudHeaders(body))).toBe(413);
    // Chunked, without Content-Length: refused while streaming.
    const chunked = await fetch(`${url}/hooks`, {
      method: 'POST',
      headers: cloudHeaders(body),
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(body));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit).then(async (response) => (await response.arrayBuffer(), response.status)).catch(() => 413);
    expect(chunked).toBe(413);
    expect(await lines()).toEqual([]);
  });

  it('refuses a signed delivery without a delivery id, or with a malformed one', async () => {
    const { url } = await start();
    const body = pullRequestPayload(1);
    const { 'x-request-uuid': _id, ...headers } = cloudHeaders(body);
    expect(await post(url, body, headers)).toBe(400);
    expect(await post(url, body, { ...headers, 'x-request-uuid': 'a'.repeat(200) })).toBe(400);
    expect(await post(url, body, { ...headers, 'x-request-uuid': '../../etc' })).toBe(400);
    expect(await lines()).toEqual([]);
  });
});

describe('webhooks serve: durable, deduplicated, bounded', () => {
  it('stores a delivery once however often it is replayed, also across a restart', async () => {
    const first = await start();
    const body = pullRequestPayload(7, 'Replayed');
    const headers = cloudHeaders(body, 'c0ffee00-0000-4000-8000-000000000001');
    expect(await post(first.url, body, headers)).toBe(200);
    expect(await post(first.url, body, { ...headers, 'x-attempt-number': '2' })).toBe(200);
    expect(first.receiver.stats).toMatchObject({ accepted: 1, duplicates: 1 });
    await stop(first.receiver);

    const second = await start();
    expect(await post(second.url, body, { ...headers, 'x-attempt-number': '3' })).toBe(200);
    expect(second.receiver.stats).toMatchObject({ accepted: 0, duplicates: 1 });
    await stop(second.receiver);

    const all = await lines();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ stream: 'pull_requests', key: `${REPO.uuid}:7`, partition: REPO.uuid, deleted: false, data: { id: 7, title: 'Replayed', repository_uuid: REPO.uuid } });
    // The run folder was closed with a manifest, like a sync's.
    const folders = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(folders).toHaveLength(1);
    expect(folders[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-webhooks-cloud$/);
    expect(await readdir(join(dir, folders[0] as string))).toContain('manifest.json');
  });

  it('answers 500 when the records cannot be made durable, writes nothing final, and stores the redelivery once', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 12, 0, 0, 0));
    const { url, receiver } = await start({}, clock);
    // A file where the webhook run folder must go: creating the folder fails, as a full or broken disk would.
    const blocker = join(dir, '2026-03-01T12-00-00-000Z-webhooks-cloud');
    await writeFile(blocker, 'not a folder');
    const body = pullRequestPayload(3, 'Retried');
    const headers = cloudHeaders(body, 'c0ffee00-0000-4000-8000-000000000003');
    expect(await post(url, body, headers)).toBe(500);
    expect(receiver.stats.accepted).toBe(0);
    expect(await readFile(join(dir, JOURNAL_FILE), 'utf8')).toBe('');
    await rm(blocker);
    expect(await post(url, body, { ...headers, 'x-attempt-number': '2' })).toBe(200);
    expect(await post(url, body, { ...headers, 'x-attempt-number': '3' })).toBe(200);
    await stop(receiver);
    expect((await lines()).map((record) => record.key)).toEqual([`${REPO.uuid}:3`]);
  });

  it('stores a burst of 1,000 concurrent deliveries with at most `concurrency` in process, none lost or doubled', async () => {
    const { url, receiver } = await start({ concurrency: 4, maxQueue: 2000 });
    const ids = Array.from({ length: 1000 }, (_, i) => i + 1);
    const statuses = await Promise.all(
      ids.map((id) => {
        const body = pullRequestPayload(id);
        return post(url, body, cloudHeaders(body, `b0000000-0000-4000-8000-${String(id).padStart(12, '0')}`));
      }),
    );
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(receiver.gate.peak).toBeLessThanOrEqual(4);
    expect(receiver.gate.peak).toBeGreaterThan(0);
    await stop(receiver);
    const all = await lines();
    expect(all).toHaveLength(1000);
    expect(new Set(all.map((record) => record.key))).toEqual(new Set(ids.map((id) => `${REPO.uuid}:${id}`)));
    expect((await merged()).map((record) => (record.data as { id: number }).id).sort((a, b) => a - b)).toEqual(ids);
  });

  it('answers 503 past the wait queue instead of buffering without bound', async () => {
    const { url } = await start({ concurrency: 1, maxQueue: 0 });
    const bodies = Array.from({ length: 20 }, (_, i) => pullRequestPayload(i + 1));
    const statuses = await Promise.all(bodies.map((body) => post(url, body, cloudHeaders(body))));
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    expect(await lines()).toHaveLength(statuses.filter((status) => status === 200).length);
  });

  it('limits the rate per source address (503 with Retry-After, which Cloud resends), refilling with time', async () => {
    const clock = new ManualClock();
    const { url } = await start({ ratePerSecond: 1, rateBurst: 2 }, clock);
    const send = async (id: number) => {
      const body = pullRequestPayload(id);
      return post(url, body, cloudHeaders(body));
    };
    expect([await send(1), await send(2), await send(3)]).toEqual([200, 200, 503]);
    clock.advance(1000);
    expect(await send(4)).toBe(200);
    expect((await lines()).map((record) => (record.data as { id: number }).id).sort()).toEqual([1, 2, 4]);
  });

  it('answers GET /healthz and writes nothing for it', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });
});

describe('targeted syncs: repository_dispatch', () => {
  let github: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (github ? github.close(() => resolve()) : resolve()));
    github = undefined;
  });

  it('dispatches the changed repositories, debounced into one call per window, to a stand-in for GitHub', async () => {
    const received: { path: string; headers: IncomingHttpHeaders; body: unknown }[] = [];
    let arrived: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (arrived = resolve));
    github = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        response.writeHead(204).end();
        arrived();
      });
    });
    await new Promise<void>((resolve) => github?.listen(0, '127.0.0.1', () => resolve()));
    const apiUrl = `http://127.0.0.1:${(github.address() as AddressInfo).port}`;
    const token = 'ghp_dispatchTokenForTests0123456789';
    // A window long enough that every delivery below lands in it; flushed by close().
    const dispatcher = new RepositoryDispatcher({ apiUrl, repository: 'acme/bbsync-data', token, windowMs: 3_600_000, logger: silentLogger });
    const { url, receiver } = await start({ dispatcher });
    const repositories = ['acme/api', 'acme/web', 'acme/api'];
    for (const [index, name] of repositories.entries()) {
      const body = JSON.stringify({ ...JSON.parse(pullRequestPayload(index + 1)), repository: { uuid: `{r-${name}}`, full_name: name } });
      expect(await post(url, body, cloudHeaders(body))).toBe(200);
    }
    const push = JSON.stringify({ repository: { uuid: '{r-acme/infra}', full_name: 'acme/infra' }, push: { changes: [] } });
    expect(await post(url, push, cloudHeaders(push, randomUUID(), 'repo:push'))).toBe(200);
    expect(received).toEqual([]);
    await stop(receiver);
    await first;
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe('/repos/acme/bbsync-data/dispatches');
    expect(received[0]?.headers.authorization).toBe(`Bearer ${token}`);
    expect(received[0]?.body).toEqual({ event_type: 'bbsync-webhook', client_payload: { source: 'cloud', repositories: 'acme/api,acme/infra,acme/web' } });
    expect(dispatcher.sent).toBe(1);
  });

  it('keeps the repositories of a failed dispatch for the next window, and never logs the token', async () => {
    const bodies: unknown[] = [];
    let done: () => void = () => undefined;
    const second = new Promise<void>((resolve) => (done = resolve));
    github = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        // The first call fails as GitHub does when the token cannot dispatch; the retry succeeds.
        response.writeHead(bodies.length === 1 ? 500 : 204).end(bodies.length === 1 ? '{"message":"Server Error"}' : undefined);
        if (bodies.length === 2) done();
      });
    });
    await new Promise<void>((resolve) => github?.listen(0, '127.0.0.1', () => resolve()));
    const logged: string[] = [];
    const logger = { debug: () => undefined, info: (m: string, f?: object) => logged.push(m + JSON.stringify(f ?? {})), warn: (m: string, f?: object) => logged.push(m + JSON.stringify(f ?? {})), error: (m: string) => logged.push(m) };
    const token = 'ghp_neverLoggedToken0123456789abcdef';
    const dispatcher = new RepositoryDispatcher({ apiUrl: `http://127.0.0.1:${(github.address() as AddressInfo).port}`, repository: 'acme/data', token, windowMs: 10, logger });
    dispatcher.note('datacenter', 'PROJ/api');
    await second;
    await dispatcher.flush();
    expect(bodies).toEqual([
      { event_type: 'bbsync-webhook', client_payload: { source: 'datacenter', repositories: 'PROJ/api' } },
      { event_type: 'bbsync-webhook', client_payload: { source: 'datacenter', repositories: 'PROJ/api' } },
    ]);
    expect(dispatcher.sent).toBe(1);
    expect(logged.some((line) => line.includes('HTTP 500'))).toBe(true);
    expect(logged.join('\n')).not.toContain(token);
    dispatcher.cancel();
  });
});
