/**
 * Keys from data that an ordinary object resolves on `Object.prototype`: the Cloud connector against the simulator,
 * with a proxy that gives the repositories and members the UUIDs `__proto__`, `constructor`, `toString`,
 * `hasOwnProperty` and `valueOf` (the simulator's own are proper UUIDs). Such runs used to fail in the state
 * document (`Cannot read properties of undefined (reading 'toString')`). Two runs: both complete, the state
 * holds every key, and the second run finds every repository and member unchanged through its cursor (nothing
 * rewritten, nothing falsely deleted).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNLIMITED_RATES, connectorSetup, scratchDir } from './support/harness.js';
import { syncInProcess } from './support/in-process.js';
import { startSimulator } from './support/parts.js';
import { startProxy } from './support/proxy.js';
import type { Simulator } from './support/sim-types.js';

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;

let sim: Simulator;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, size: 'tiny', rateLimits: UNLIMITED_RATES });
  scratch = await scratchDir('data-keys');
});

afterAll(async () => {
  await sim?.close();
  await scratch?.remove();
});

describe('cloud: repository and member UUIDs named like Object.prototype members', { timeout: 120_000 }, () => {
  it('two runs complete; state, manifests and cursors keep every key', async () => {
    const workspace = sim.cloud.workspace;
    const pathOf = (url: string) => url.split('?')[0] as string;
    // The first five of a listing get the names; the rest keep their own UUIDs (the tiny simulator lists one page).
    const uuidByIndex = (index: number, own: unknown) => PROTOTYPE_NAMES[index] ?? own;
    const proxy = await startProxy(sim.origin, {
      rewriteJson: (body, request) => {
        const path = pathOf(request.url);
        const page = body as { values?: Record<string, unknown>[] };
        if (path === `/2.0/repositories/${workspace}`) {
          return { ...page, values: (page.values ?? []).map((repository, index) => ({ ...repository, uuid: uuidByIndex(index, repository.uuid) })) };
        }
        if (path === `/2.0/workspaces/${workspace}/members`) {
          return { ...page, values: (page.values ?? []).map((member, index) => {
              const user = member.user as { uuid?: unknown };
              return { ...member, user: { ...user, uuid: uuidByIndex(index, user.uuid) } };
            }) };
        }
        return body;
      },
    });
    try {
      const repositories = sim.cloud.control.repositories().length;
      expect(repositories).toBeLessThanOrEqual(PROTOTYPE_NAMES.length);
      const { config, credentials } = connectorSetup('cloud', sim, proxy.origin);
      const stateFile = join(scratch.path, 'state.json');
      const job = (run: number) => ({ api: 'cloud' as const, config, credentials, stateFile, runDir: join(scratch.path, `run-${run}`), runId: `run-${run}`, concurrency: 2 });

      const first = await syncInProcess(job(1));
      expect(first.manifest?.status, JSON.stringify(first.error ?? first.manifest?.errors)).toBe('complete');
      expect(first.manifest?.streams.repositories?.records).toBe(repositories);
      const expectedUuids = PROTOTYPE_NAMES.slice(0, repositories);
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { streams: Record<string, Record<string, { cursor: { repositories?: object; members?: object } }>> };
      expect(Object.keys(state.streams.pull_requests ?? {}).sort()).toEqual([...expectedUuids].sort());
      expect(Object.keys(state.streams.repositories?.['']?.cursor.repositories ?? {}).sort()).toEqual([...expectedUuids].sort());
      const memberKeys = Object.keys(state.streams.workspace_members?.['']?.cursor.members ?? {});
      expect(memberKeys).toEqual(expect.arrayContaining([...PROTOTYPE_NAMES]));

      // Nothing changed: the cursors (keyed by those UUIDs) show every repository and member as already written.
      const second = await syncInProcess(job(2));
      expect(second.manifest?.status, JSON.stringify(second.error ?? second.manifest?.errors)).toBe('complete');
      expect(second.manifest?.streams.repositories).toMatchObject({ records: 0, deleted: 0 });
      expect(second.manifest?.streams.workspace_members).toMatchObject({ records: 0, deleted: 0 });
    } finally {
      await proxy.close();
    }
  });
});
