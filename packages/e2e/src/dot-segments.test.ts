/**
 * Names made of dots. URL resolution folds a path segment `..` into "the parent" and drops `.` (even written
 * `%2E`), so a repository slug `..` would turn `/2.0/repositories/ws/../commits` into `/2.0/repositories/commits`
 * (another resource, or a 404 taken for "gone"), and a Data Center project key `..` would read another project's
 * repository. A proxy in front of the simulator renames repositories in the listings (Cloud slugs `..` and `.`;
 * Data Center a project key `..` and a slug `.`) and records every request path that reaches it. No request may
 * leave the workspace / repository it was meant for, and each such repository is a visible failure of its own
 * partitions (`bad_response` naming the segment), never an expected absence.
 */
import { join } from 'node:path';
import type { RunManifest } from '@bbsync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorSetup, E2E_SEED, scratchDir, UNLIMITED_RATES } from './support/harness.js';
import { syncInProcess } from './support/in-process.js';
import { startSimulator } from './support/parts.js';
import { startProxy, type RunningProxy } from './support/proxy.js';
import type { Simulator } from './support/sim-types.js';

const SUITE_TIMEOUT = 120_000;

let sim: Simulator;
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  sim = await startSimulator({ seed: E2E_SEED % 1000, size: 'tiny', rateLimits: UNLIMITED_RATES });
  scratch = await scratchDir('dot-segments');
});

afterAll(async () => {
  await sim?.close();
  await scratch?.remove();
});

interface Listed {
  slug?: string;
  full_name?: string;
  name?: string;
  project?: { key?: string };
}

/** Renames the first listed repositories, in every listing page that has them: one rename per dot name. */
function renamer(rename: (repository: Listed, index: number) => void) {
  return (body: unknown): unknown => {
    const values = (body as { values?: unknown }).values;
    if (!Array.isArray(values)) return body;
    values.forEach((value, index) => {
      if (typeof value === 'object' && value !== null && ('slug' in value || 'full_name' in value)) rename(value as Listed, index);
    });
    return body;
  };
}

function failuresOf(manifest: RunManifest, partitionName: string) {
  return manifest.errors.filter((error) => error.partition === partitionName || error.partition.endsWith(partitionName));
}

describe('names made of dots', { timeout: SUITE_TIMEOUT }, () => {
  let proxy: RunningProxy | undefined;
  const paths: string[] = [];

  afterAll(async () => {
    await proxy?.close();
  });

  it('cloud: slugs ".." and "." are refused, never resolved into another path or taken for gone', async () => {
    const workspace = sim.cloud.workspace;
    const slugs = new Set(sim.cloud.control.repositories());
    const renamed = new Map<string, string>();
    paths.length = 0;
    proxy = await startProxy(sim.origin, {
      onRequest: (request) => {
        paths.push(new URL(request.url, 'http://x').pathname);
      },
      rewriteJson: renamer((repository) => {
        if (repository.slug === undefined) return;
        // The first two distinct repositories met become `..` and `.`, consistently across pages and runs.
        if (!renamed.has(repository.slug) && renamed.size < 2) renamed.set(repository.slug, renamed.size === 0 ? '..' : '.');
        const dots = renamed.get(repository.slug);
        if (dots === undefined) return;
        repository.slug = dots;
        repository.full_name = `${workspace}/${dots}`;
      }),
    });
    const { config, credentials } = connectorSetup('cloud', sim, proxy.origin);
    const dir = join(scratch.path, 'cloud');
    const result = await syncInProcess({ api: 'cloud', config, credentials, stateFile: join(dir, 'state.json'), runDir: join(dir, 'run'), runId: 'run' });
    expect(result.error, JSON.stringify(result.error)).toBeUndefined();
    const manifest = result.manifest as RunManifest;
    expect([...renamed.values()].sort()).toEqual(['.', '..']);

    // Every request below /2.0/repositories/ names the workspace, then (if anything) a real repository.
    const repositoryPaths = paths.filter((path) => path.startsWith('/2.0/repositories/'));
    expect(repositoryPaths.length).toBeGreaterThan(0);
    for (const path of repositoryPaths) {
      const [, , , ws, slug] = path.split('/');
      expect(ws, path).toBe(workspace);
      if (slug !== undefined) expect(slugs.has(decodeURIComponent(slug)) || decodeURIComponent(slug).startsWith('{'), path).toBe(true);
    }
    for (const [original] of renamed) expect(repositoryPaths.filter((path) => path.split('/')[4] === original), original).toEqual([]);

    // Each renamed repository failed visibly, with the refusal; none is an expected absence.
    for (const dots of ['..', '.']) {
      const failures = failuresOf(manifest, `${workspace}/${dots}`);
      expect(failures.length, `${dots}: ${JSON.stringify(manifest.errors)}`).toBeGreaterThan(0);
      for (const failure of failures) {
        expect(failure.code).toBe('bad_response');
        expect(failure.message).toContain(`"${dots}"`);
      }
      expect(manifest.absences.filter((absence) => absence.partition.endsWith(`/${dots}`))).toEqual([]);
    }
    // Honest outcome: a run that refused partitions is never reported complete.
    expect(manifest.status).not.toBe('complete');
    const failed = Object.values(manifest.streams).reduce((sum, stream) => sum + stream.failedPartitions, 0);
    expect(failed).toBeGreaterThan(0);
  });

  it('datacenter: a project key ".." and a slug "." are refused, never resolved into another path or taken for gone', async () => {
    await proxy?.close();
    paths.length = 0;
    const renamed = new Map<string, { key?: string; slug?: string }>();
    proxy = await startProxy(sim.origin, {
      onRequest: (request) => {
        paths.push(new URL(request.url, 'http://x').pathname);
      },
      rewriteJson: renamer((repository) => {
        const id = `${repository.project?.key ?? ''}/${repository.slug ?? ''}`;
        if (repository.slug === undefined || repository.project?.key === undefined) return;
        if (!renamed.has(id) && renamed.size < 2) renamed.set(id, renamed.size === 0 ? { key: '..' } : { slug: '.' });
        const change = renamed.get(id);
        if (change?.key !== undefined) repository.project = { ...repository.project, key: change.key };
        if (change?.slug !== undefined) repository.slug = change.slug;
      }),
    });
    const { config, credentials } = connectorSetup('datacenter', sim, proxy.origin);
    const dir = join(scratch.path, 'datacenter');
    const result = await syncInProcess({ api: 'datacenter', config, credentials, stateFile: join(dir, 'state.json'), runDir: join(dir, 'run'), runId: 'run' });
    expect(result.error, JSON.stringify(result.error)).toBeUndefined();
    const manifest = result.manifest as RunManifest;
    expect(renamed.size).toBe(2);

    // A request below /projects/ names a real project key, then (below /repos/) a real slug: never a folded path.
    const realKeys = new Set<string>();
    const realSlugs = new Set<string>();
    for (const repository of sim.datacenter.groundTruth().repositories as readonly Listed[]) {
      if (repository.project?.key !== undefined) realKeys.add(repository.project.key);
      if (repository.slug !== undefined) realSlugs.add(repository.slug);
    }
    const projectPaths = paths.filter((path) => /\/rest\/api\/1\.0\/projects\//.test(path));
    expect(projectPaths.length).toBeGreaterThan(0);
    for (const path of projectPaths) {
      const after = path.slice(path.indexOf('/rest/api/1.0/projects/') + '/rest/api/1.0/projects/'.length).split('/');
      expect(realKeys.has(decodeURIComponent(after[0] ?? '')), path).toBe(true);
      if (after[1] === 'repos' && after[2] !== undefined) expect(realSlugs.has(decodeURIComponent(after[2])), path).toBe(true);
    }

    const refused = manifest.errors.filter((error) => error.code === 'bad_response' && /"\.\.?"/.test(error.message));
    expect(refused.length, JSON.stringify(manifest.errors)).toBeGreaterThan(0);
    expect(new Set(refused.map((error) => error.message.match(/"\.\.?"/)?.[0]))).toEqual(new Set(['".."', '"."']));
    expect(manifest.absences.filter((absence) => /(^|\/)\.\.?(\/|$)/.test(absence.partition))).toEqual([]);
    expect(manifest.status).not.toBe('complete');
  });
});
