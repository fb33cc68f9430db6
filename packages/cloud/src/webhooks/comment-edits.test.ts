/**
 * Comment edits and deletions. Polling cannot see them: Bitbucket's activity log lists a comment once, where
 * it was created, and an edit changes only the comment's own `content`/`updated_on` (`deleted: true` for a
 * deletion), so the feed-based sync keeps the first version (the documented limit). Webhooks do carry them
 * (`pullrequest:comment_updated`, `pullrequest:comment_deleted`): this checks that the records they yield are
 * the comment as the API shows it after the change, under the key the stream uses, so merging them fixes it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMENT_FIELDS } from '../fields.js';
import { project } from '../project.js';
import { PULL_REQUEST_COMMENTS, commentKey } from '../streams/pull-requests/keys.js';
import { startHarness, type Harness } from '../testing/harness.js';
import { parseWebhookEvent } from './parse.js';
import { registerWorkspaceWebhook } from './register.js';

let harness: Harness | undefined;
let server: Server | undefined;
afterEach(async () => {
  await harness?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  harness = undefined;
  server = undefined;
});

async function receiver(): Promise<{ url: string; deliveries: { headers: IncomingHttpHeaders; body: Buffer }[] }> {
  const deliveries: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
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

describe('comment edits and deletions', () => {
  it('arrive by webhook as the comment after the change, under the stream key', async () => {
    const h = (harness = await startHarness({ size: 'tiny' }));
    const control = h.sim.cloud.control;
    const slug = control.repositories()[0] as string;
    const id = control.openPullRequest(slug, { title: 'Edit me', commits: 1 });
    const commentId = control.commentOnPullRequest(slug, id, { text: 'first version' });
    expect((await h.run()).manifest.status).toBe('complete');

    const { url, deliveries } = await receiver();
    await registerWorkspaceWebhook(h.client, h.sim.cloud.workspace, url, 'a-secret');
    control.advance(60_000);
    control.editComment(slug, id, commentId, { text: 'second version' });
    control.advance(60_000);
    const other = control.commentOnPullRequest(slug, id, { text: 'to be deleted' });
    control.editComment(slug, id, other, { deleted: true });
    await control.flushWebhooks();

    const repositoryUuid = h.sim.cloud.groundTruth().repositories.find((r) => r.slug === slug)?.uuid as string;
    const truth = new Map((h.sim.cloud.groundTruth().comments[`${repositoryUuid}#${id}`] ?? []).map((c) => [c.id as number, c]));
    const hooked = new Map<string, Record<string, unknown>>();
    for (const delivery of deliveries) {
      const event = parseWebhookEvent(delivery.headers as Record<string, string>, delivery.body);
      for (const { stream, record } of event.records) if (stream === PULL_REQUEST_COMMENTS) hooked.set(commentKey(record as never), record);
    }
    for (const comment of [commentId, other]) {
      const expected = { ...(project(truth.get(comment), COMMENT_FIELDS) as object), repository_uuid: repositoryUuid, pull_request_id: id };
      expect(hooked.get(commentKey({ repository_uuid: repositoryUuid, id: comment }))).toEqual(expected);
    }
    expect((truth.get(commentId)?.content as { raw: string }).raw).toBe('second version');
    expect(truth.get(other)?.deleted).toBe(true);
  });
});
