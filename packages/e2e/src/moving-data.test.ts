/**
 * Data that moves while it is read: items are updated and added between the pages of one listing (Cloud: the
 * simulator's mutateBetweenPagesRate fault; Data Center, which the fault does not cover: the same mutations made
 * by a proxy as a later page is requested). The run that meets them may miss what moved behind it, but nothing is
 * lost and nothing is falsely marked deleted: after a follow-up run the merged output equals the ground truth.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_SEED, LARGE, NO_DIFFERENCE, UNLIMITED_RATES, cleanDiff, connectorSetup, mergedDiff, scratchDir, seededRandom } from './support/harness.js';
import { syncInProcess } from './support/in-process.js';
import { startSimulator } from './support/parts.js';
import { startProxy } from './support/proxy.js';
import type { Simulator } from './support/sim-types.js';
import type { SyncJob } from './support/sync-job.js';

const SUITE_TIMEOUT = LARGE ? 600_000 : 90_000;
const SEEDS = LARGE ? 8 : 2;
/** Data Center mutations per scenario. */
const MAX_MUTATIONS = 15;

let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  scratch = await scratchDir('moving');
});

afterAll(async () => {
  await scratch?.remove();
});

async function runTwice(sim: Simulator, api: 'cloud' | 'datacenter', dir: string, origin: string, tune: (config: Record<string, unknown>) => Record<string, unknown>, between: () => void): Promise<void> {
  const { config, credentials } = connectorSetup(api, sim, origin);
  const job = (run: number): SyncJob => ({ api, config: tune(config), credentials, stateFile: join(dir, 'state.json'), runDir: join(dir, `run-${run}`), runId: `run-${run}`, concurrency: 3 });
  const first = await syncInProcess(job(1));
  expect(first.manifest?.status, JSON.stringify(first.error ?? first.manifest?.errors)).toBe('complete');
  between();
  const second = await syncInProcess(job(2));
  expect(second.manifest?.status, JSON.stringify(second.error ?? second.manifest?.errors)).toBe('complete');
  const diff = await mergedDiff(api, sim, [join(dir, 'run-1'), join(dir, 'run-2')], join(dir, 'merged'));
  expect(cleanDiff(diff)).toEqual(NO_DIFFERENCE);
}

describe('cloud: mutateBetweenPagesRate', { timeout: SUITE_TIMEOUT }, () => {
  it.each(Array.from({ length: SEEDS }, (_, i) => E2E_SEED + i))('seed %i: after a follow-up run, merged equals the ground truth', async (seed) => {
    const sim = await startSimulator({ seed: seed % 1000, size: LARGE ? 'small' : 'tiny', rateLimits: UNLIMITED_RATES, faults: { seed, mutateBetweenPagesRate: 0.5 } });
    try {
      const small = { repositories: 1, members: 2, pullRequests: 2, commits: 5, pipelines: 2, comments: 2, activity: 2 };
      const before = JSON.stringify(sim.cloud.control.truthIds());
      let moved = false;
      await runTwice(sim, 'cloud', join(scratch.path, `cloud-${seed}`), sim.origin, (config) => ({ ...config, pageSizes: small }), () => {
        moved = JSON.stringify(sim.cloud.control.truthIds()) !== before;
        sim.cloud.control.setFaults(undefined);
      });
      expect(moved, 'the data moved during run 1').toBe(true);
    } finally {
      await sim.close();
    }
  });
});

describe('datacenter: mutations between pages (made by a proxy)', { timeout: SUITE_TIMEOUT }, () => {
  it.each(Array.from({ length: SEEDS }, (_, i) => E2E_SEED + i))('seed %i: after a follow-up run, merged equals the ground truth', async (seed) => {
    const sim = await startSimulator({ seed: seed % 1000, size: LARGE ? 'small' : 'tiny', rateLimits: UNLIMITED_RATES });
    const random = seededRandom(seed);
    let mutating = true;
    let mutations = 0;
    const control = sim.datacenter.control;
    const proxy = await startProxy(sim.origin, {
      onRequest: (request) => {
        // A later page of a listing (start > 0): change the collection being listed before answering it.
        const url = new URL(request.url, 'http://x');
        // Bounded: a server that changes a listing on every page forever would (rightly) trip the page cap.
        if (!mutating || mutations >= MAX_MUTATIONS || Number(url.searchParams.get('start') ?? 0) <= 0 || random() >= 0.4) return undefined;
        const repo = /\/projects\/([^/]+)\/repos\/([^/]+)(\/pull-requests(?:\/(\d+))?)?/.exec(url.pathname);
        if (repo === null) return undefined;
        const [, projectKey = '', slug = ''] = repo.map((part) => (part === undefined ? part : decodeURIComponent(part)));
        const id = Number(repo[4] ?? 1);
        const pick = random();
        // Time moves as the data does: each change happens a second after the last one.
        sim.advance(1_000);
        try {
          if (repo[3] === undefined) control.pushCommits({ projectKey, slug, count: 1 + Math.floor(pick * 3) });
          else if (pick < 0.3) control.openPullRequest({ projectKey, slug, title: 'Opened while paging' });
          else if (pick < 0.7) control.commentPullRequest({ projectKey, slug, id, text: 'Commented while paging' });
          else control.updatePullRequest({ projectKey, slug, id, title: `Retitled while paging ${mutations}` });
          mutations += 1;
        } catch {
          // A pull request that cannot take this change (declined, merged): no mutation this time.
        }
        return undefined;
      },
    });
    try {
      await runTwice(sim, 'datacenter', join(scratch.path, `dc-${seed}`), proxy.origin, (config) => ({ ...config, pageSize: 2 }), () => {
        mutating = false;
      });
      expect(mutations).toBeGreaterThan(0);
    } finally {
      await proxy.close();
      await sim.close();
    }
  });
});
