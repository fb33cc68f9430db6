/**
 * `bbsync webhooks serve` killed in the middle of a stream of deliveries: the receiver runs as a child process
 * (the CLI from its sources), the simulator delivers signed Cloud webhooks for 60 new pull requests at once, the
 * child is SIGKILLed once some have been acknowledged, restarted on the same port, and the simulator redelivers
 * every delivery that was not acknowledged (same X-Request-UUID). A badly signed delivery is sent in between.
 * Afterwards the merged webhook run folders must hold exactly the 60 pull requests, each equal to what a sync
 * writes for it: nothing lost, nothing duplicated, nothing from the refused delivery; the delivery journal
 * names each delivery once; SIGTERM stops the receiver with exit code 0.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mergeRuns, readRecords, type RecordEnvelope } from '@bbsync/core';
import { startSimulator, type Simulator } from '@bbsync/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnNode, type ChildRun } from './support/child-node.js';
import { CLI_SOURCE, runCli } from './support/cli.js';
import { scratchDir } from './support/harness.js';

const SECRET = 'crash-test-webhook-secret-Q8w2Er5Ty';
const PULL_REQUESTS = 60;

let sim: Simulator;
let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  sim = await startSimulator({ seed: 11, size: 'tiny', rateLimits: { cloudWindowScale: 0.0001 } });
  scratch = await scratchDir('webhooks-crash');
});
afterAll(async () => {
  await sim?.close();
  await scratch?.remove();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function serve(port: number, out: string): Promise<ChildRun> {
  const run = spawnNode(CLI_SOURCE, { args: ['webhooks', 'serve', '--port', String(port), '--host', '127.0.0.1', '--out', out], env: { BBSYNC_WEBHOOK_SECRET: SECRET, NO_COLOR: '1' } });
  // Ready once it prints its address (or fail with what it said).
  for (;;) {
    if (run.stdout().includes('listening on')) return run;
    const exited = await Promise.race([run.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 50))]);
    if (exited !== undefined) throw new Error(`the receiver exited: ${run.stderr()}`);
  }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function withoutHashFull(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, child: unknown) => (key === 'hash_full' ? undefined : child)));
}

describe('webhooks serve: SIGKILL during deliveries', () => {
  it('loses nothing, duplicates nothing, and stores nothing from a refused delivery', async () => {
    const out = join(scratch.path, 'hooks');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/bitbucket`;
    const control = sim.cloud.control;
    control.registerWebhook({ url, events: ['pullrequest:created'], secret: SECRET });

    let receiver = await serve(port, out);
    const repositories = control.repositories();
    const opened: { repo: string; id: number }[] = [];
    for (let i = 0; i < PULL_REQUESTS; i++) {
      const repo = repositories[i % repositories.length] as string;
      opened.push({ repo, id: control.openPullRequest(repo, { title: `Crash ${i}`, commits: 1 }) });
    }
    const acknowledged = () => control.webhookDeliveries().filter((delivery) => delivery.status === 200).length;
    await until(() => acknowledged() >= 5);
    const killed = receiver;
    receiver.child.kill('SIGKILL');
    expect((await receiver.exited).signal).toBe('SIGKILL');
    await control.flushWebhooks();
    const beforeRestart = acknowledged();
    expect(beforeRestart).toBeLessThan(PULL_REQUESTS);

    receiver = await serve(port, out);
    // A delivery signed with another secret, while deliveries are redelivered: refused, nothing written.
    const forged = JSON.stringify({ repository: { uuid: '{forged}', full_name: 'acme/forged' }, pullrequest: { id: 999, title: 'forged' } });
    const refused = await fetch(url, { method: 'POST', headers: { 'x-event-key': 'pullrequest:created', 'x-request-uuid': 'f0000000-0000-4000-8000-000000000000', 'x-hub-signature': 'sha256=' + '0'.repeat(64) }, body: forged });
    expect(refused.status).toBe(401);
    for (let round = 0; round < 5 && control.redeliverWebhooks() > 0; round++) await control.flushWebhooks();
    const latest = new Map<string, number>();
    for (const delivery of control.webhookDeliveries()) latest.set(delivery.requestUuid, delivery.status);
    expect(latest.size).toBe(PULL_REQUESTS);
    expect([...latest.values()].every((status) => status === 200)).toBe(true);

    receiver.child.kill('SIGTERM');
    expect((await receiver.exited).code).toBe(0);
    // The receivers' logs name deliveries, never the secret or anything from a body.
    for (const run of [killed, receiver]) {
      const logs = run.stdout() + run.stderr();
      expect(logs).toContain('delivery stored');
      expect(logs).not.toContain(SECRET);
      expect(logs).not.toMatch(/Crash \d|forged/);
    }

    // The oracle: a sync of the same workspace.
    const token = sim.cloud.credentials.workspaceToken?.config.accessToken as string;
    const syncDir = join(scratch.path, 'sync');
    const sync = await runCli(['sync', '--source', 'cloud', '--workspace', sim.cloud.workspace, '--base-url', sim.cloud.baseUrl, '--streams', 'repositories,pull_requests', '--output-dir', syncDir, '--state-dir', join(scratch.path, 'state')], { BBSYNC_ACCESS_TOKEN: token, CI: 'true' }, scratch.path);
    expect(sync.code, sync.stderr).toBe(0);
    const synced = new Map<string, RecordEnvelope>();
    const syncRuns = (await readdir(syncDir)).map((name) => join(syncDir, name));
    for (const run of syncRuns) for await (const record of readRecords(run)) if (record.stream === 'pull_requests') synced.set(record.key, record as RecordEnvelope);

    const folders = (await readdir(out, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => join(out, entry.name)).sort();
    expect(folders.length).toBeGreaterThanOrEqual(2);
    await mergeRuns({ inputs: folders, outputDir: join(scratch.path, 'merged') });
    const merged: RecordEnvelope[] = [];
    for await (const record of readRecords(join(scratch.path, 'merged'))) merged.push(record as RecordEnvelope);

    const truth = sim.cloud.groundTruth() as unknown as { repositories: readonly { slug: string; uuid: string }[] };
    const uuidOf = new Map(truth.repositories.map((repository) => [repository.slug, repository.uuid]));
    const expectedKeys = opened.map(({ repo, id }) => `${uuidOf.get(repo)}:${id}`).sort();
    expect(merged.map((record) => record.key).sort()).toEqual(expectedKeys);
    for (const record of merged) {
      expect(record.stream).toBe('pull_requests');
      expect(record.data, record.key).toEqual(withoutHashFull(synced.get(record.key)?.data));
    }
    const journal = (await readFile(join(out, 'webhook-deliveries.log'), 'utf8')).trim().split('\n');
    expect(journal).toHaveLength(PULL_REQUESTS);
    expect(new Set(journal).size).toBe(PULL_REQUESTS);
    expect(journal.join('\n')).not.toContain('f0000000');
  });
});
