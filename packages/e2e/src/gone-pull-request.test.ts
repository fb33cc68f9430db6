/**
 * A pull request deleted while its activity remains: Bitbucket's repository-wide activity feed still names it in
 * every item, and each item used to send its own `GET …/pullrequests/{id}` to learn the same 404 again (one run
 * sent six). What answered 404 is remembered for the run: exactly one GET of it.
 *
 * The simulator cannot delete a pull request, so a proxy plays the deletion: it answers the pull request's own
 * URL with Bitbucket's 404 and drops it from the pull request listing, while the feed (forwarded as is) keeps
 * naming it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNLIMITED_RATES, connectorSetup, scratchDir } from './support/harness.js';
import { syncInProcess } from './support/in-process.js';
import { startSimulator } from './support/parts.js';
import { startProxy } from './support/proxy.js';
import type { Simulator } from './support/sim-types.js';

let sim: Simulator;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, size: 'tiny', rateLimits: UNLIMITED_RATES });
  scratch = await scratchDir('gone-pr');
});

afterAll(async () => {
  await sim?.close();
  await scratch?.remove();
});

interface CloudControlWithPullRequests {
  openPullRequest(repo: string, options?: { title?: string; commits?: number }): number;
  commentOnPullRequest(repo: string, id: number, options?: { text?: string }): number;
}

describe('cloud: a deleted pull request named by several activity items', { timeout: 120_000 }, () => {
  it('is fetched once per run, and its absence recorded once', async () => {
    const control = sim.cloud.control as unknown as CloudControlWithPullRequests & typeof sim.cloud.control;
    const slug = control.repositories()[0] as string;
    const id = control.openPullRequest(slug, { title: 'to be deleted', commits: 1 });
    const comments = 4;
    for (let i = 0; i < comments; i++) control.commentOnPullRequest(slug, id, { text: `comment ${i}` });

    const prPath = `/2.0/repositories/${sim.cloud.workspace}/${slug}/pullrequests/${id}`;
    const listingPath = `/2.0/repositories/${sim.cloud.workspace}/${slug}/pullrequests`;
    const pathOf = (url: string) => url.split('?')[0] as string;
    let gets = 0;
    const proxy = await startProxy(sim.origin, {
      onRequest: (request) => {
        if (request.method !== 'GET' || pathOf(request.url) !== prPath) return undefined;
        gets += 1;
        return { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'error', error: { message: 'Not found' } }) };
      },
      rewriteJson: (body, request) => {
        if (pathOf(request.url) !== listingPath) return body;
        const page = body as { values?: { id?: number }[] };
        return { ...page, values: (page.values ?? []).filter((pullRequest) => pullRequest.id !== id) };
      },
    });
    try {
      const { config, credentials } = connectorSetup('cloud', sim, proxy.origin);
      const dir = scratch.path;
      const result = await syncInProcess({ api: 'cloud', config, credentials, stateFile: join(dir, 'state.json'), runDir: join(dir, 'run-1'), runId: 'run-1', concurrency: 2 });
      expect(result.manifest?.status, JSON.stringify(result.error ?? result.manifest?.errors)).toBe('complete');
      // The feed named it once per comment (and once for its creation): still one request.
      expect(gets).toBe(1);
      const absences = (result.manifest?.absences ?? []).filter((absence) => absence.what.includes(`pull request #${id} named by the activity feed`));
      expect(absences).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});
