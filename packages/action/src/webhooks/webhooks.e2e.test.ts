/**
 * Webhooks end to end against the simulator: `bbsync webhooks register` (through the CLI, idempotent), the
 * simulator's signed deliveries (Cloud and Data Center) to the receiver, and the receiver's run folders merged
 * with core's merge. The oracle is a sync of the same changes: every record the receiver stored must equal,
 * in full content, the record the sync wrote for its key, and every key the receiver deleted must be absent
 * from the sync. Each event kind changes its own pull request, so each kind is checked on its own record.
 * Also: a targeted run (`--only-repositories`) sends requests for those repositories only.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { mergeRuns, readRecords, silentLogger, systemClock, type RecordEnvelope } from '@bbsync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { createTerminal } from '../cli/terminal.js';
import { pickCredential, startTestSimulator, type TestSimulator } from '../demo/simulator.js';
import { connectorFor } from '../run/connectors.js';
import { createWebhookReceiver, type WebhookReceiver } from './receiver.js';
import { WebhookStore } from './webhook-store.js';

const SECRET = 'e2e-webhook-secret-7Yq2LmN9pR4sT6vX';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

async function cli(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(args, { terminal: createTerminal({ stdout, stderr, env }), env, cwd });
  return { code, out: stdout.text, err: stderr.text };
}

/** Merges the run folders below `dir` and returns the snapshot's records by `stream key`. */
async function mergedRecords(dir: string, out: string): Promise<Map<string, RecordEnvelope>> {
  const runs = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => join(dir, entry.name)).sort();
  await mergeRuns({ inputs: runs, outputDir: out });
  const records = new Map<string, RecordEnvelope>();
  for await (const record of readRecords(out)) records.set(`${record.stream} ${record.key}`, record);
  return records;
}

async function allLines(dir: string): Promise<RecordEnvelope[]> {
  const lines: RecordEnvelope[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) for await (const record of readRecords(join(dir, entry.name))) lines.push(record);
  }
  return lines;
}

/**
 * `hash_full` is bbsync's own addition to Cloud pull request commit references (resolved through commit
 * listings a delivery does not carry); everything else must match.
 */
function withoutHashFull(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, child: unknown) => (key === 'hash_full' ? undefined : child)));
}

let sim: TestSimulator;
let work: string;
beforeAll(async () => {
  sim = await startTestSimulator({ size: 'tiny' });
  work = await mkdtemp(join(tmpdir(), 'bbsync-webhooks-e2e-'));
});
afterAll(async () => {
  await sim?.close();
  await rm(work, { recursive: true, force: true });
});

async function receiverAt(dir: string): Promise<{ url: string; receiver: WebhookReceiver }> {
  const store = await WebhookStore.open({ dir, clock: systemClock });
  const receiver = createWebhookReceiver({ secret: SECRET, store, connectors: [connectorFor('cloud'), connectorFor('datacenter')], clock: systemClock, logger: silentLogger });
  return { url: await receiver.listen(0, '127.0.0.1'), receiver };
}

/** Checks the receiver's records against the sync's: equal content per key; deleted keys absent. */
function compare(hooked: Map<string, RecordEnvelope>, lines: readonly RecordEnvelope[], synced: Map<string, RecordEnvelope>): void {
  expect(hooked.size).toBeGreaterThan(0);
  for (const [id, record] of hooked) {
    const expected = synced.get(id);
    expect(expected, `${id} is in the sync`).toBeDefined();
    expect(record.partition, id).toBe(expected?.partition);
    expect(record.data, id).toEqual(withoutHashFull(expected?.data));
  }
  for (const line of lines.filter((record) => record.deleted)) expect(synced.has(`${line.stream} ${line.key}`), `${line.stream} ${line.key} deleted`).toBe(false);
}

describe('Cloud: simulator deliveries → receiver → merge equals a sync', () => {
  it('for every event kind the simulator sends (created, updated, approved, unapproved, changes requested, comment created/updated/deleted, merged, declined, push)', async () => {
    const hookDir = join(work, 'cloud-hooks');
    const { url, receiver } = await receiverAt(hookDir);
    const token = pickCredential(sim.cloud.credentials).accessToken as string;
    const env = { BBSYNC_ACCESS_TOKEN: token, BBSYNC_WEBHOOK_SECRET: SECRET, CI: 'true' };
    const flags = ['--source', 'cloud', '--workspace', sim.cloud.workspace, '--base-url', sim.cloud.baseUrl];
    // Registered twice: the second run updates the same hook.
    expect((await cli(['webhooks', 'register', '--url', `${url}/hooks`, ...flags], env, work)).code).toBe(0);
    const again = await cli(['webhooks', 'register', '--url', `${url}/hooks`, ...flags], env, work);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('updated');

    const control = sim.raw.cloud.control;
    const repo = control.repositories()[0] as string;
    const step = async (action: () => unknown) => {
      action();
      // One change at a time: deliveries of one pull request arrive in order.
      await control.flushWebhooks();
    };
    const ids: Record<string, number> = {};
    for (const kind of ['created', 'updated', 'approved', 'unapproved', 'changes', 'comment', 'edited', 'removed', 'merged', 'declined']) {
      const id = control.openPullRequest(repo, { title: `Webhook ${kind}`, commits: 1 });
      ids[kind] = id;
      await control.flushWebhooks();
    }
    await step(() => control.updatePullRequest(repo, ids.updated as number, { title: 'Retitled by a webhook test' }));
    await step(() => control.approvePullRequest(repo, ids.approved as number));
    await step(() => control.approvePullRequest(repo, ids.unapproved as number));
    await step(() => control.unapprovePullRequest(repo, ids.unapproved as number));
    await step(() => control.requestChanges(repo, ids.changes as number));
    await step(() => control.commentOnPullRequest(repo, ids.comment as number, { text: 'From a webhook test' }));
    // A comment edited and one deleted: a fresh full sync reads the comment listing, which shows both, so it is the oracle.
    const edited = control.commentOnPullRequest(repo, ids.edited as number, { text: 'Before the edit' });
    await control.flushWebhooks();
    await step(() => control.editComment(repo, ids.edited as number, edited, { text: 'After the edit' }));
    const removed = control.commentOnPullRequest(repo, ids.removed as number, { text: 'To be deleted' });
    await control.flushWebhooks();
    await step(() => control.editComment(repo, ids.removed as number, removed, { deleted: true }));
    await step(() => control.mergePullRequest(repo, ids.merged as number));
    await step(() => control.declinePullRequest(repo, ids.declined as number));
    await step(() => control.pushCommits(repo, { count: 1 }));
    await receiver.close();

    const deliveries = control.webhookDeliveries().filter((delivery) => delivery.url === `${url}/hooks`);
    expect(deliveries.every((delivery) => delivery.status === 200 && delivery.headers['x-hub-signature']?.startsWith('sha256='))).toBe(true);
    expect(new Set(deliveries.map((delivery) => delivery.event))).toEqual(
      new Set(['pullrequest:created', 'pullrequest:updated', 'pullrequest:approved', 'pullrequest:unapproved', 'pullrequest:changes_request_created', 'pullrequest:comment_created', 'pullrequest:comment_updated', 'pullrequest:comment_deleted', 'pullrequest:fulfilled', 'pullrequest:rejected', 'repo:push']),
    );

    // The oracle: a full sync after the same changes.
    const syncDir = join(work, 'cloud-sync');
    const sync = await cli(['sync', ...flags, '--output-dir', syncDir, '--state-dir', join(work, 'cloud-state')], env, work);
    expect(sync.code, sync.err).toBe(0);
    const synced = await mergedRecords(syncDir, join(work, 'cloud-sync-snapshot'));
    const hooked = await mergedRecords(hookDir, join(work, 'cloud-hooks-snapshot'));
    const lines = await allLines(hookDir);
    compare(hooked, lines, synced);

    // Per event kind, on its own pull request.
    const uuid = String([...hooked.values()][0]?.partition);
    const pr = (kind: string) => hooked.get(`pull_requests ${uuid}:${ids[kind]}`)?.data as { state?: string; title?: string } | undefined;
    expect(pr('created')?.title).toBe('Webhook created');
    expect(pr('updated')?.title).toBe('Retitled by a webhook test');
    expect(pr('merged')?.state).toBe('MERGED');
    expect(pr('declined')?.state).toBe('DECLINED');
    const activity = (kind: string, what: string) => [...hooked.keys()].filter((key) => key.startsWith(`pull_request_activity ${uuid}:${ids[kind]}:${what}`));
    expect(activity('approved', 'approval')).toHaveLength(1);
    expect(activity('changes', 'changes_request')).toHaveLength(1);
    expect(activity('comment', 'comment')).toHaveLength(1);
    const comments = [...hooked.entries()].filter(([key]) => key.startsWith(`pull_request_comments ${uuid}:`)).map(([, record]) => record.data as { id?: number; deleted?: boolean; content?: { raw?: string } });
    expect(comments).toHaveLength(3);
    expect(comments.find((comment) => comment.id === edited)?.content?.raw).toBe('After the edit');
    expect(comments.find((comment) => comment.id === removed)?.deleted).toBe(true);
    // The withdrawn approval: written, then deleted by the unapproval, absent after merge as in the sync.
    expect(activity('unapproved', 'approval')).toHaveLength(0);
    expect(lines.filter((line) => line.deleted && line.key.startsWith(`${uuid}:${ids.unapproved}:approval:`))).toHaveLength(1);
  });
});

describe('Cloud: repository hooks', () => {
  it('registers one hook per --target repository, idempotently, and delivers only that repository\'s events', async () => {
    const token = pickCredential(sim.cloud.credentials).accessToken as string;
    const env = { BBSYNC_ACCESS_TOKEN: token, BBSYNC_WEBHOOK_SECRET: SECRET, CI: 'true' };
    const flags = ['--source', 'cloud', '--workspace', sim.cloud.workspace, '--base-url', sim.cloud.baseUrl];
    const [first, second] = sim.raw.cloud.control.repositories();
    const url = 'http://127.0.0.1:9/repository-hook';
    const target = ['--target', `${sim.cloud.workspace}/${first}`];
    const created = await cli(['webhooks', 'register', '--url', url, ...target, ...flags], env, work);
    expect(created.out, created.err).toMatch(new RegExp(`created\\s+repository ${sim.cloud.workspace}/${first}`));
    const again = await cli(['webhooks', 'register', '--url', url, ...target, '--events', 'pullrequest:created', ...flags], env, work);
    expect(again.out, again.err).toMatch(/updated/);
    const hooks = sim.raw.cloud.control.webhookDeliveries().length;
    sim.raw.cloud.control.openPullRequest(second as string, { title: 'not hooked' });
    await sim.raw.cloud.control.flushWebhooks();
    expect(sim.raw.cloud.control.webhookDeliveries().slice(hooks).filter((delivery) => delivery.url === url)).toEqual([]);
    for (const output of [created, again]) expect(output.out + output.err).not.toContain(SECRET);
  });
});

describe('Data Center: simulator deliveries → receiver → merge equals a sync', () => {
  it('for opened, modified, source updated, approved, unapproved, needs work, comment added/edited/deleted, merged, declined', async () => {
    const hookDir = join(work, 'dc-hooks');
    const { url, receiver } = await receiverAt(hookDir);
    const credential = pickCredential(sim.datacenter.credentials) as { username: string; password: string };
    const env = { BBSYNC_USERNAME: credential.username, BBSYNC_PASSWORD: credential.password, BBSYNC_WEBHOOK_SECRET: SECRET, CI: 'true' };
    const flags = ['--source', 'datacenter', '--base-url', sim.datacenter.serverUrl];
    const truth = sim.raw.datacenter.groundTruth();
    // Two repositories: a merge moves its target branch, and Data Center sends no event to the other open
    // pull requests whose `toRef.latestCommit` that changes (the next sync brings it); so the merge happens in
    // a repository of its own.
    const [repository, mergeRepository] = truth.repositories.filter((r) => r.state === 'AVAILABLE' && (truth.commits[r.id]?.length ?? 0) > 0);
    if (repository === undefined || mergeRepository === undefined) throw new Error('need two repositories with commits');
    const targets = [repository, mergeRepository].flatMap((r) => ['--target', `${r.project.key}/${r.slug}`]);
    const register = await cli(['webhooks', 'register', '--url', `${url}/dc`, ...targets, ...flags], env, work);
    expect(register.code, register.err).toBe(0);
    expect(register.out.match(/created/g)).toHaveLength(2);
    const again = await cli(['webhooks', 'register', '--url', `${url}/dc`, ...targets, ...flags], env, work);
    expect(again.out.match(/updated/g), again.err).toHaveLength(2);
    // Without --target there is nothing to hook on Data Center: a usage error, not a request.
    expect((await cli(['webhooks', 'register', '--url', `${url}/dc`, ...flags], env, work)).code).toBe(2);

    const control = sim.raw.datacenter.control;
    const users = truth.users.map((user) => user.slug).filter((slug) => slug !== credential.username);
    const [author, reviewer] = users;
    if (author === undefined || reviewer === undefined) throw new Error('need two users');
    const selector = { projectKey: repository.project.key, slug: repository.slug };
    const ids: Record<string, number> = {};
    const mergeSelector = { projectKey: mergeRepository.project.key, slug: mergeRepository.slug };
    const repositoryOf = (kind: string) => (kind === 'merged' ? mergeSelector : selector);
    for (const kind of ['opened', 'modified', 'pushed', 'approved', 'unapproved', 'needsWork', 'comment', 'edited', 'removed', 'merged', 'declined']) {
      ids[kind] = control.openPullRequest({ ...repositoryOf(kind), title: `Webhook ${kind}`, author, reviewers: [reviewer] }).id;
      await control.flushWebhooks();
    }
    const step = async (action: () => unknown) => {
      action();
      await control.flushWebhooks();
    };
    const pr = (kind: string) => ({ ...repositoryOf(kind), id: ids[kind] as number });
    await step(() => control.updatePullRequest({ ...pr('modified'), title: 'Retitled by a webhook test' }));
    await step(() => control.updatePullRequest({ ...pr('pushed'), pushCommits: 1 }));
    await step(() => control.reviewPullRequest({ ...pr('approved'), user: reviewer, status: 'APPROVED' }));
    await step(() => control.reviewPullRequest({ ...pr('unapproved'), user: reviewer, status: 'APPROVED' }));
    await step(() => control.reviewPullRequest({ ...pr('unapproved'), user: reviewer, status: 'UNAPPROVED' }));
    await step(() => control.reviewPullRequest({ ...pr('needsWork'), user: reviewer, status: 'NEEDS_WORK' }));
    await step(() => control.commentPullRequest({ ...pr('comment'), user: reviewer, text: 'From a webhook test' }));
    const comment = control.commentPullRequest({ ...pr('edited'), user: reviewer, text: 'Before' });
    await control.flushWebhooks();
    await step(() => control.commentPullRequest({ ...pr('edited'), user: reviewer, edit: comment.id, text: 'After' }));
    const doomed = control.commentPullRequest({ ...pr('removed'), user: reviewer, text: 'To be deleted' });
    await control.flushWebhooks();
    await step(() => control.commentPullRequest({ ...pr('removed'), user: reviewer, delete: doomed.id }));
    await step(() => control.mergePullRequest(pr('merged')));
    await step(() => control.declinePullRequest(pr('declined')));
    await receiver.close();

    const deliveries = control.webhookDeliveries().filter((delivery) => delivery.url === `${url}/dc`);
    expect(deliveries.every((delivery) => delivery.status === 200 && delivery.headers['x-request-id'] !== undefined && delivery.headers['x-hub-signature']?.startsWith('sha256='))).toBe(true);
    expect(new Set(deliveries.map((delivery) => delivery.event))).toEqual(
      new Set(['pr:opened', 'pr:modified', 'pr:from_ref_updated', 'pr:reviewer:approved', 'pr:reviewer:unapproved', 'pr:reviewer:changes_requested', 'pr:comment:added', 'pr:comment:edited', 'pr:comment:deleted', 'pr:merged', 'pr:declined']),
    );

    const syncDir = join(work, 'dc-sync');
    const sync = await cli(['sync', ...flags, '--output-dir', syncDir, '--state-dir', join(work, 'dc-state')], env, work);
    expect(sync.code, sync.err).toBe(0);
    const synced = await mergedRecords(syncDir, join(work, 'dc-sync-snapshot'));
    const hooked = await mergedRecords(hookDir, join(work, 'dc-hooks-snapshot'));
    compare(hooked, await allLines(hookDir), synced);
    const record = (kind: string) => hooked.get(`pull_requests ${kind === 'merged' ? mergeRepository.id : repository.id}:${ids[kind]}`)?.data as { title?: string; state?: string; reviewers?: { status?: string }[] } | undefined;
    for (const kind of Object.keys(ids)) expect(record(kind), kind).toBeDefined();
    expect(record('modified')?.title).toBe('Retitled by a webhook test');
    expect(record('approved')?.reviewers?.[0]?.status).toBe('APPROVED');
    expect(record('unapproved')?.reviewers?.[0]?.status).toBe('UNAPPROVED');
    expect(record('needsWork')?.reviewers?.[0]?.status).toBe('NEEDS_WORK');
    expect(record('merged')?.state).toBe('MERGED');
    expect(record('declined')?.state).toBe('DECLINED');
  });
});

describe('targeted sync: --only-repositories', () => {
  it('sends per-repository requests for the named repositories only', async () => {
    const token = pickCredential(sim.cloud.credentials).accessToken as string;
    const env = { BBSYNC_ACCESS_TOKEN: token, CI: 'true' };
    const flags = ['--source', 'cloud', '--workspace', sim.cloud.workspace, '--base-url', sim.cloud.baseUrl, '--output-dir', join(work, 'targeted-runs'), '--state-dir', join(work, 'targeted-state')];
    const slugs = sim.raw.cloud.control.repositories();
    const [chosen] = slugs;
    expect(slugs.length).toBeGreaterThan(1);
    sim.raw.cloud.resetCounters();
    const result = await cli(['sync', ...flags, '--only-repositories', `${sim.cloud.workspace}/${chosen}`], env, work);
    expect(result.code, result.err).toBe(0);
    const paths = sim.raw.cloud.requestLog().map((entry) => entry.path.split('?')[0] ?? '');
    const perRepository = paths.filter((path) => path.startsWith(`/repositories/${sim.cloud.workspace}/`));
    expect(perRepository.length).toBeGreaterThan(0);
    expect(perRepository.filter((path) => !path.startsWith(`/repositories/${sim.cloud.workspace}/${chosen}/`) && path !== `/repositories/${sim.cloud.workspace}/${chosen}`)).toEqual([]);

    // A full run of the same scope touches every repository: the targeted one cost less.
    sim.raw.cloud.resetCounters();
    const full = await cli(['sync', ...flags.map((flag) => flag.replace('targeted-state', 'full-state'))], env, work);
    expect(full.code, full.err).toBe(0);
    const fullPaths = sim.raw.cloud.requestLog().map((entry) => entry.path.split('?')[0] ?? '');
    const touched = new Set(fullPaths.filter((path) => path.startsWith(`/repositories/${sim.cloud.workspace}/`)).map((path) => path.split('/')[3]));
    expect(touched.size).toBe(slugs.length);
    expect(paths.length).toBeLessThan(fullPaths.length);

    // A targeted run after a full one, on the same state: the other repositories are not marked deleted and
    // keep their cursors; the merge still holds every repository.
    const shared = flags.map((flag) => flag.replace('targeted-state', 'shared-state').replace('targeted-runs', 'shared-runs'));
    expect((await cli(['sync', ...shared], env, work)).code).toBe(0);
    const targeted = await cli(['sync', ...shared, '--only-repositories', `${sim.cloud.workspace}/${chosen}`], env, work);
    expect(targeted.code, targeted.err).toBe(0);
    const merged = await mergedRecords(join(work, 'shared-runs'), join(work, 'shared-snapshot'));
    expect([...merged.values()].filter((record) => record.stream === 'repositories')).toHaveLength(slugs.length);
    expect([...merged.values()].filter((record) => record.stream === '_deleted_partitions')).toEqual([]);
  });
});
