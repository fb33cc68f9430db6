/**
 * `bbsync merge runs/*` folds run folders in the order their runs started, killed runs included. A killed run
 * has no manifest (so no finish time); ordered by finish time it sorted first, and an older complete run then
 * undid what it had recorded: a deleted repository came back with its children, a rename was reverted, retitles
 * were lost.
 *
 * Scenario, for both connectors (the crash suites only ever killed the first run): run A completes; the data
 * changes (a repository deleted, one renamed on Cloud, pull requests retitled); run B is SIGKILLed once its deletion markers and some
 * retitled pull requests are durable; run C completes from the state B left. The CLI's merge of all three
 * folders, given in glob order, must equal the simulator's ground truth.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { APIS, NO_DIFFERENCE, UNLIMITED_RATES, cleanDiff, connectorSetup, scratchDir, startChildSync } from './support/harness.js';
import { loadCore, startSimulator } from './support/parts.js';
import { startProxy } from './support/proxy.js';
import type { Simulator } from './support/sim-types.js';
import type { ApiKind, SyncJob } from './support/sync-job.js';
import { actualRecords, diffRecords, expectedRecords } from './support/truth.js';

let sim: Simulator;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  sim = await startSimulator({ seed: 12, size: 'tiny', rateLimits: UNLIMITED_RATES });
  scratch = await scratchDir('merge-order');
});

afterAll(async () => {
  await sim?.close();
  await scratch?.remove();
});

/** The parts of the Cloud control API this scenario uses beyond sim-types.ts. */
interface CloudChanges {
  repositories(): string[];
  renameRepository(repo: string, newName: string): string;
  deleteRepository(repo: string): void;
  openPullRequest(repo: string, options?: { title?: string; commits?: number }): number;
  updatePullRequest(repo: string, id: number, options: { title?: string }): void;
}

/** The parts of the Data Center control API this scenario uses beyond sim-types.ts. */
interface DataCenterChanges {
  deleteRepository(o: { projectKey: string; slug: string }): void;
  openPullRequest(o: { projectKey: string; slug: string; title?: string }): { id?: unknown };
  updatePullRequest(o: { projectKey: string; slug: string; id: number; title?: string }): unknown;
}

/** The data changes of the scenario, per API: three repositories, the first to delete, the second to rename (Cloud only). */
interface Changes {
  readonly repositories: readonly [string, string, string];
  openPullRequest(repo: string, title: string): number;
  deleteRepository(repo: string): void;
  /** Renames the repository; returns the name it is known by afterwards (Data Center: no rename, the same). */
  renameRepository(repo: string): string;
  retitle(repo: string, id: number, title: string): void;
}

function changes(api: ApiKind): Changes {
  if (api === 'cloud') {
    const control = sim.cloud.control as unknown as CloudChanges;
    return {
      repositories: control.repositories().slice(0, 3) as [string, string, string],
      openPullRequest: (repo, title) => control.openPullRequest(repo, { title, commits: 1 }),
      deleteRepository: (repo) => control.deleteRepository(repo),
      renameRepository: (repo) => control.renameRepository(repo, `${repo} renamed`),
      retitle: (repo, id, title) => control.updatePullRequest(repo, id, { title }),
    };
  }
  const control = sim.datacenter.control as unknown as DataCenterChanges;
  // `project/slug`, split back for the control calls.
  const names = sim.datacenter
    .groundTruth()
    .repositories.map((repo) => `${(repo.project as { key: string }).key}/${String(repo.slug)}`)
    .slice(0, 3) as [string, string, string];
  const where = (repo: string) => {
    const [projectKey, slug] = repo.split('/') as [string, string];
    return { projectKey, slug };
  };
  return {
    repositories: names,
    openPullRequest: (repo, title) => Number(control.openPullRequest({ ...where(repo), title }).id),
    deleteRepository: (repo) => control.deleteRepository(where(repo)),
    renameRepository: (repo) => repo,
    retitle: (repo, id, title) => control.updatePullRequest({ ...where(repo), id, title }),
  };
}

/** True once `dir/streams/<stream>` holds a finished (renamed, durable) segment. */
function hasFinishedSegment(dir: string, stream: string): boolean {
  const folder = join(dir, 'streams', stream);
  return existsSync(folder) && readdirSync(folder).some((name) => /\.jsonl(\.gz)?$/.test(name));
}

describe('merge folds run folders by their start, a killed later run included', { timeout: 240_000 }, () => {
  it.each(APIS)('%s: complete A, changes, B killed after its deletion markers and some retitles, complete C: merge of runs/* equals the truth', async (api) => {
    const change = changes(api);
    const [deleted, renamed, other] = change.repositories;
    // Open pull requests to retitle later, in the two repositories that stay.
    const opened = [renamed, other].flatMap((repo) => Array.from({ length: 5 }, (_, i) => ({ repo, id: change.openPullRequest(repo, `before ${i}`) })));

    const root = join(scratch.path, api);
    const runs = join(root, 'runs');
    let killB: (() => void) | undefined;
    let killedAt = 0;
    const proxy = await startProxy(sim.origin, {
      onRequest: (request) => {
        if (killB === undefined) return undefined;
        const runB = join(runs, 'run-2');
        // Kill B (before this request is answered) once its tombstones and one repository's pull requests are durable.
        if (!hasFinishedSegment(runB, '_deleted_partitions') || !hasFinishedSegment(runB, 'pull_requests')) return undefined;
        killB();
        killB = undefined;
        killedAt = request.n;
        return 'reset';
      },
    });
    try {
      const { config, credentials } = connectorSetup(api, sim, proxy.origin);
      const job = (run: number): SyncJob => ({
        api,
        config,
        credentials,
        stateFile: join(root, 'state', 'state.json'),
        runDir: join(runs, `run-${run}`),
        runId: `run-${run}`,
        // One partition at a time: B is killed between the pull requests of one repository and the next.
        concurrency: 1,
      });

      const a = await startChildSync(job(1)).done;
      expect(a.outcome?.status, a.stdout + a.stderr).toBe('complete');

      change.deleteRepository(deleted);
      const newName = change.renameRepository(renamed);
      for (const { repo, id } of opened) change.retitle(repo === renamed ? newName : repo, id, `retitled ${repo} #${id}`);

      const b = startChildSync(job(2));
      killB = () => b.run.child.kill('SIGKILL');
      const killed = await b.done;
      expect(killed.signal, `run 2 should have been killed: ${killed.stdout}${killed.stderr}`).toBe('SIGKILL');
      expect(killedAt).toBeGreaterThan(0);
      expect(existsSync(join(runs, 'run-2', 'manifest.json'))).toBe(false);
      expect(existsSync(join(runs, 'run-2', 'started.json'))).toBe(true);

      const c = await startChildSync(job(3)).done;
      expect(c.outcome?.status, c.stdout + c.stderr).toBe('complete');
    } finally {
      await proxy.close();
    }

    // As a shell expands runs/*: name order, which here is also start order; then shuffled: the order given must not matter.
    const folders = ['run-1', 'run-2', 'run-3'].map((name) => join(runs, name));
    const core = await loadCore();
    for (const [index, order] of [folders, [folders[2], folders[0], folders[1]] as string[]].entries()) {
      const out = join(root, `merged-${index}`);
      const merged = await runCli(['merge', '--out', out, ...order], {}, root);
      expect(merged.code, merged.stdout + merged.stderr).toBe(0);
      const { records, duplicates } = await actualRecords(api, core.readRecords, out);
      const diff = diffRecords(api, await expectedRecords(api, sim), records);
      expect(cleanDiff({ ...diff, duplicates })).toEqual(NO_DIFFERENCE);
      // And what the diff proves, said plainly: the deleted repository and its children are gone, the rename and every retitle kept.
      const titles = [...(records.get('pull_requests')?.values() ?? [])].map((pr) => (pr as { title?: string }).title ?? '');
      expect(titles.filter((title) => title.startsWith('retitled '))).toHaveLength(opened.length);
      if (api === 'cloud') {
        const slugs = [...(records.get('repositories')?.values() ?? [])].map((repo) => (repo as { slug?: string }).slug);
        expect(slugs).not.toContain(deleted);
        expect(slugs).not.toContain(renamed);
      }
    }
  });
});
