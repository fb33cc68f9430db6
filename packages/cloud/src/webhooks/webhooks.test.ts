/**
 * Webhooks end to end: registered through the API (POST /workspaces/{ws}/hooks), delivered by the simulator
 * to a real local HTTP endpoint, verified, deduplicated and parsed into the same records (same keys, same
 * shapes) the streams produce for the same change.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PULL_REQUEST_ACTIVITY, PULL_REQUEST_COMMENTS, PULL_REQUESTS, activityKey, commentKey, pullRequestKey } from '../streams/pull-requests/keys.js';
import { differences, startHarness, type Harness } from '../testing/harness.js';
import { DeliveryDeduper } from './dedupe.js';
import { parseWebhookEvent } from './parse.js';
import { PULL_REQUEST_WEBHOOK_EVENTS, registerWorkspaceWebhook } from './register.js';
import { verifySignature } from './signature.js';

interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

let harness: Harness | undefined;
let server: Server | undefined;
afterEach(async () => {
  await harness?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  harness = undefined;
  server = undefined;
});

async function receiver(): Promise<{ url: string; deliveries: Delivery[] }> {
  const deliveries: Delivery[] = [];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, deliveries };
}

describe('webhooks against the simulator', () => {
  it('registers, verifies, dedupes and yields the records the streams produce', async () => {
    const h = (harness = await startHarness({ size: 'tiny' }));
    const secret = 'Gkvl$k$wyNpQAF42';
    const { url, deliveries } = await receiver();
    const subscription = await registerWorkspaceWebhook(h.client, h.sim.cloud.workspace, url, secret);
    expect(subscription).toMatchObject({ url, active: true });
    expect(subscription.events).toEqual([...PULL_REQUEST_WEBHOOK_EVENTS]);
    expect(JSON.stringify(subscription)).not.toContain(secret);

    const control = h.sim.cloud.control;
    const repo = control.repositories()[0] as string;
    const id = control.openPullRequest(repo, { title: 'Webhook me', commits: 1 });
    control.approvePullRequest(repo, id);
    control.requestChanges(repo, id);
    control.commentOnPullRequest(repo, id, { text: 'hello from a webhook' });
    await control.flushWebhooks();
    expect(deliveries.length).toBeGreaterThanOrEqual(4);

    const dedupe = new DeliveryDeduper();
    const fromHooks = new Map<string, Map<string, Record<string, unknown>>>();
    for (const delivery of [...deliveries, deliveries[0] as Delivery]) {
      expect(verifySignature(delivery.body, delivery.headers['x-hub-signature'] as string, secret)).toBe(true);
      expect(verifySignature(delivery.body, delivery.headers['x-hub-signature'] as string, 'wrong')).toBe(false);
      if (!dedupe.firstSeen(delivery.headers['x-request-uuid'] as string)) continue;
      const event = parseWebhookEvent(delivery.headers as Record<string, string>, delivery.body);
      for (const { stream, record } of event.records) {
        const key =
          stream === PULL_REQUESTS ? pullRequestKey(record as never) : stream === PULL_REQUEST_COMMENTS ? commentKey(record as never) : activityKey(record as never);
        if (!fromHooks.has(stream)) fromHooks.set(stream, new Map());
        fromHooks.get(stream)?.set(key, record); // later deliveries win, as in a merge
      }
    }
    expect(dedupe.size).toBe(deliveries.length);

    // The same changes, synced: every webhook record equals the stream's record of that key.
    await h.run();
    const snapshot = await h.snapshot();
    for (const stream of [PULL_REQUESTS, PULL_REQUEST_ACTIVITY, PULL_REQUEST_COMMENTS]) {
      const hooked = fromHooks.get(stream) ?? new Map();
      expect(hooked.size, stream).toBeGreaterThan(0);
      const synced = new Map([...(snapshot.get(stream) ?? new Map())].filter(([key]) => hooked.has(key)));
      expect(differences(hooked, new Map([...synced].map(([key, value]) => [key, stripFull(value)]))), stream).toEqual([]);
    }
  });

  it('parses unknown events to no records and rejects a body that is not JSON', () => {
    expect(parseWebhookEvent({ 'X-Event-Key': 'repo:push' }, '{"repository":{"uuid":"{r}"}}').records).toEqual([]);
    expect(() => parseWebhookEvent({}, 'not json')).toThrow(/not a JSON object/);
  });
});

function stripFull(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value, (key, child: unknown) => (key === 'hash_full' ? undefined : child))) as Record<string, unknown>;
}
