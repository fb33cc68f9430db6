/** The control API (programmatic and HTTP), switches and webhooks. */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../start.js';
import { CloudClient } from '../../test-support/cloud-client.js';
import { pullRequestKey } from '../truth.js';

let sim: Simulator;
let client: CloudClient;

beforeAll(async () => {
  sim = await startSimulator({ size: 'tiny', seed: 9, rateLimits: { cloudPerHour: 1_000_000 } });
  client = new CloudClient(sim.cloud.baseUrl, sim.cloud.credentials['workspaceToken']);
});
afterAll(() => sim.close());

const repoBySlug = (slug: string): { uuid: string; updated_on: string; mainbranch: { name: string } } =>
  sim.cloud.groundTruth().repositories.find((r) => r['slug'] === slug) as never;

describe('control API', () => {
  it('pushes commits (newest first on the API) and bumps the repository', async () => {
    const slug = sim.cloud.control.repositories()[1] as string;
    const before = repoBySlug(slug);
    sim.advance(60_000);
    const hashes = sim.cloud.control.pushCommits(slug, { count: 3, merge: true });
    const after = repoBySlug(slug);
    expect(after.updated_on > before.updated_on).toBe(true);
    const page = await client.get(`/repositories/acme/${slug}/commits/${after.mainbranch.name}?pagelen=5`);
    expect(page.json.values[0].hash).toBe(hashes[hashes.length - 1]);
    expect(page.json.values[0].parents).toHaveLength(2);
  });

  it('force-pushes: dropped commits leave the default branch history', async () => {
    const slug = sim.cloud.control.repositories()[2] as string;
    sim.advance(60_000);
    const { removed, added } = sim.cloud.control.forcePush(slug, { drop: 2, add: 3 });
    expect(removed.length).toBeGreaterThanOrEqual(2);
    expect(added).toHaveLength(3);
    const truth = (sim.cloud.groundTruth().commits[repoBySlug(slug).uuid] ?? []).map((c) => c['hash']);
    for (const hash of removed) expect(truth).not.toContain(hash);
    expect(truth.slice(0, 3)).toEqual([...added].reverse());
  });

  it('runs a pull request through its life and records activity', async () => {
    const slug = sim.cloud.control.repositories()[0] as string;
    const uuid = repoBySlug(slug).uuid;
    sim.advance(60_000);
    const id = sim.cloud.control.openPullRequest(slug, { title: 'Simulated change', commits: 3 });
    const opened = await client.get(`/repositories/acme/${slug}/pullrequests/${id}`);
    expect(opened.json.state).toBe('OPEN');
    expect(opened.json.title).toBe('Simulated change');
    const created = opened.json.updated_on;
    sim.advance(1000);
    const commentId = sim.cloud.control.commentOnPullRequest(slug, id, { text: 'inline!', inline: { path: 'src/a.ts', to: 3 } });
    const afterComment = (await client.get(`/repositories/acme/${slug}/pullrequests/${id}`)).json;
    expect(afterComment.updated_on > created).toBe(true);
    expect(afterComment.comment_count).toBe(1);
    sim.cloud.control.approvePullRequest(slug, id);
    sim.cloud.control.requestChanges(slug, id, 2);
    const mergeHash = sim.cloud.control.mergePullRequest(slug, id);
    const merged = (await client.get(`/repositories/acme/${slug}/pullrequests/${id}`)).json;
    expect(merged.state).toBe('MERGED');
    expect(mergeHash.startsWith(merged.merge_commit.hash)).toBe(true);
    expect(merged.participants.some((p: { state: string }) => p.state === 'changes_requested')).toBe(true);
    const activity = sim.cloud.groundTruth().activity[pullRequestKey(uuid, id)] ?? [];
    expect(activity.map((a) => Object.keys(a).find((k) => k !== 'pull_request'))).toEqual(['update', 'changes_request', 'approval', 'comment', 'update']);
    const comment = (await client.get(`/repositories/acme/${slug}/pullrequests/${id}/comments`)).json.values[0];
    expect(comment.id).toBe(commentId);
    expect(comment.inline.path).toBe('src/a.ts');
    const prCommits = await client.all(`/repositories/acme/${slug}/pullrequests/${id}/commits`);
    expect(prCommits.values).toHaveLength(3);
    const history = await client.get(`/repositories/acme/${slug}/commits/${repoBySlug(slug).mainbranch.name}?pagelen=1`);
    expect(history.json.values[0].hash).toBe(mergeHash);
    expect(() => sim.cloud.control.declinePullRequest(slug, id)).toThrow();
  });

  it('respects commentsBumpPullRequestUpdatedOn = false', async () => {
    const slug = sim.cloud.control.repositories()[0] as string;
    sim.cloud.control.setSwitches({ commentsBumpPullRequestUpdatedOn: false });
    try {
      const id = sim.cloud.control.openPullRequest(slug);
      const before = (await client.get(`/repositories/acme/${slug}/pullrequests/${id}`)).json.updated_on;
      sim.advance(5000);
      sim.cloud.control.commentOnPullRequest(slug, id);
      sim.cloud.control.approvePullRequest(slug, id, 3);
      expect((await client.get(`/repositories/acme/${slug}/pullrequests/${id}`)).json.updated_on).toBe(before);
      sim.cloud.control.declinePullRequest(slug, id);
      expect((await client.get(`/repositories/acme/${slug}/pullrequests/${id}`)).json.updated_on > before).toBe(true);
    } finally {
      sim.cloud.control.setSwitches({ commentsBumpPullRequestUpdatedOn: true });
    }
  });

  it('orders the repository-wide activity feed per switch', async () => {
    const slug = sim.cloud.control.repositories()[0] as string;
    const dateOf = (item: Record<string, any>): string => {
      const inner = item['update'] ?? item['approval'] ?? item['changes_request'];
      return inner ? inner.date : item['comment'].created_on;
    };
    const newest = (await client.all(`/repositories/acme/${slug}/pullrequests/activity?pagelen=50`)).values.map(dateOf);
    expect(newest).toEqual([...newest].sort().reverse());
    sim.cloud.control.setSwitches({ cloudActivityFeedNewestFirst: false });
    const oldest = (await client.all(`/repositories/acme/${slug}/pullrequests/activity?pagelen=50`)).values.map(dateOf);
    sim.cloud.control.setSwitches({ cloudActivityFeedNewestFirst: true });
    expect(oldest).toEqual([...newest].reverse());
  });

  it('starts and finishes pipelines, manages members, renames and deletes repositories', async () => {
    const [first, , third] = sim.cloud.control.repositories() as [string, string, string];
    const pipeline = sim.cloud.control.startPipeline(first);
    const running = await client.get(`/repositories/acme/${first}/pipelines/${encodeURIComponent(pipeline)}`);
    expect(running.json.state.name).toBe('IN_PROGRESS');
    sim.advance(120_000);
    sim.cloud.control.finishPipeline(first, pipeline, 'FAILED');
    const done = (await client.get(`/repositories/acme/${first}/pipelines/${encodeURIComponent(pipeline)}`)).json;
    expect(done.state).toEqual({ name: 'COMPLETED', type: 'pipeline_state_completed', result: { name: 'FAILED', type: 'pipeline_state_completed_failed' } });
    expect(done.completed_on).toBeDefined();

    const member = sim.cloud.control.addMember({ displayName: 'Newt Joiner' });
    expect(sim.cloud.control.truthIds().members).toContain(member);
    sim.cloud.control.removeMember(member);
    const members = await client.all('/workspaces/acme/members');
    expect(members.values.map((m) => m.user.uuid)).not.toContain(member);

    const uuid = repoBySlug(third).uuid;
    const renamed = sim.cloud.control.renameRepository(third, 'Renamed Thing');
    expect(renamed).toBe('renamed-thing');
    expect((await client.get(`/repositories/acme/${third}`)).status).toBe(404);
    expect((await client.get(`/repositories/acme/${renamed}`)).json.uuid).toBe(uuid);
    expect((await client.get(`/repositories/acme/${encodeURIComponent(uuid)}`)).json.slug).toBe(renamed);
    sim.cloud.control.deleteRepository(renamed);
    expect((await client.get(`/repositories/acme/${renamed}`)).status).toBe(404);
    expect(sim.cloud.control.truthIds().repositories).not.toContain(uuid);
  });

  it('is served over HTTP under /_sim/cloud', async () => {
    const slug = sim.cloud.control.repositories()[0] as string;
    const post = async (path: string, body: unknown): Promise<Response> =>
      fetch(`${sim.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const opened = await post('/_sim/cloud/openPullRequest', { repo: slug, title: 'Over HTTP' });
    expect(opened.status).toBe(200);
    const id = (await opened.json()) as number;
    const commented = await post('/_sim/cloud/commentOnPullRequest', { repo: slug, id, text: 'hello' });
    expect(commented.status).toBe(200);
    const commentId = (await commented.json()) as number;
    expect((await post('/_sim/cloud/editComment', { repo: slug, id, commentId, text: 'hello again' })).status).toBe(204);
    expect((await post('/_sim/cloud/declinePullRequest', { repo: slug, id, closeSourceBranch: true })).status).toBe(204);
    expect((await post('/_sim/cloud/approvePullRequest', [slug, id])).status).toBe(204);
    const before = sim.now();
    expect((await post('/_sim/clock/advance', { ms: 1000 })).status).toBe(200);
    expect(sim.now()).toBe(before + 1000);
    const ids = (await (await fetch(`${sim.origin}/_sim/cloud/truthIds`)).json()) as { repositories: string[] };
    expect(ids.repositories.length).toBeGreaterThan(0);
    expect((await post('/_sim/cloud/nope', {})).status).toBe(404);
    expect((await post('/_sim/cloud/mergePullRequest', { repo: 'missing', id: 1 })).status).toBe(400);
    const counters = sim.cloud.counters();
    expect(counters.byCredential['workspaceToken']).toBeGreaterThan(0);
    expect(Object.keys(counters.byEndpoint).some((e) => e.includes('/_sim'))).toBe(false);
  });
});

describe('webhooks', () => {
  it('delivers signed pull request events to hooks created over the API', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      const secret = 'Gkvl$k$wyNpQAF42';
      const created = await client.get('/workspaces/acme/hooks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url, description: 'test', active: true, secret, events: ['pullrequest:created', 'pullrequest:comment_created'] }),
      });
      expect(created.status).toBe(201);
      expect(created.json.secret_set).toBe(true);
      expect(created.json).not.toHaveProperty('secret');
      const listed = await client.get('/workspaces/acme/hooks');
      expect(listed.json.values.map((h: { uuid: string }) => h.uuid)).toContain(created.json.uuid);
      const bad = await client.get('/workspaces/acme/hooks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url, events: ['nope'] }) });
      expect(bad.status).toBe(400);

      const slug = sim.cloud.control.repositories()[0] as string;
      const id = sim.cloud.control.openPullRequest(slug, { title: 'Hooked' });
      sim.cloud.control.commentOnPullRequest(slug, id, { text: 'hi' });
      await sim.cloud.control.flushWebhooks();
      expect(received.map((r) => r.headers['x-event-key'])).toEqual(['pullrequest:created', 'pullrequest:comment_created']);
      for (const r of received) {
        const expected = `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`;
        expect(r.headers['x-hub-signature']).toBe(expected);
        expect(r.headers['x-request-uuid']).toMatch(/^[0-9a-f-]{36}$/);
        expect(r.headers['x-hook-uuid']).toBe(created.json.uuid.replace(/[{}]/g, ''));
        expect(r.headers['x-attempt-number']).toBe('1');
      }
      const payload = JSON.parse(received[0]?.body ?? '{}');
      expect(payload.pullrequest.id).toBe(id);
      expect(payload.pullrequest).toHaveProperty('reviewers');
      expect(payload).toHaveProperty('actor');
      expect(payload).toHaveProperty('repository');
      expect(JSON.parse(received[1]?.body ?? '{}').comment.content.raw).toBe('hi');
    } finally {
      receiver.close();
    }
  });
});
