/**
 * Honest outcomes and runaways, through the real CLI (child processes) and the connectors against the
 * simulator behind a proxy that breaks one endpoint: a run that could not do its job is never `complete` with
 * exit 0 (a failed repository listing makes it `failed`, exit 1 unless `--fail-on never`), Data Center falls
 * back to listing repositories per project when `GET /repos` does not answer, a listing that never ends is
 * given up after a few pages (`pagination_error`) instead of spending the rate limit, and SIGTERM stops the
 * CLI gracefully like SIGINT (manifest and summary written, exit 143), the next run completing to the truth.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_DIFFERENCE, UNLIMITED_RATES, cleanDiff, connectorSetup, mergedDiff, scratchDir } from './support/harness.js';
import { CLI_SOURCE, runCli } from './support/cli.js';
import { spawnNode } from './support/child-node.js';
import { syncInProcess } from './support/in-process.js';
import { startSimulator } from './support/parts.js';
import { startProxy, type ProxyHooks, type RunningProxy } from './support/proxy.js';
import type { Simulator } from './support/sim-types.js';
import type { ApiKind } from './support/sync-job.js';

const SUITE_TIMEOUT = 180_000;

let sim: Simulator;
let scratch: Awaited<ReturnType<typeof scratchDir>>;
const proxies: RunningProxy[] = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 4242, size: 'tiny', rateLimits: UNLIMITED_RATES });
  scratch = await scratchDir('honest');
});

afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await sim?.close();
  await scratch?.remove();
});

async function proxy(hooks: ProxyHooks): Promise<RunningProxy> {
  const started = await startProxy(sim.origin, hooks);
  proxies.push(started);
  return started;
}

/** The API base path of a connector on the simulator (`/2.0`, `/rest/api/1.0`, …). */
function basePath(api: ApiKind): string {
  return new URL(api === 'cloud' ? sim.cloud.baseUrl : sim.datacenter.baseUrl).pathname.replace(/\/$/, '');
}

/** CLI flags and environment for a connector reached through `origin`. */
function cliSetup(api: ApiKind, origin: string): { flags: string[]; env: Record<string, string> } {
  const { config, credentials } = connectorSetup(api, sim, origin);
  const flags = api === 'cloud' ? ['--source', 'cloud', '--workspace', String(config.workspace), '--base-url', String(config.baseUrl)] : ['--source', 'datacenter', '--base-url', String(config.baseUrl)];
  return { flags: [...flags, '--max-rate-limit-wait-minutes', '0.05'], env: { BBSYNC_CREDENTIALS: JSON.stringify(credentials) } };
}

/** The run folders under a CLI working folder, oldest first. */
async function runFolders(cwd: string): Promise<string[]> {
  const root = join(cwd, '.bbsync', 'runs');
  return existsSync(root) ? (await readdir(root)).sort().map((name) => join(root, name)) : [];
}

async function manifestOf(runDir: string): Promise<{ status: string; stopReason?: string; errors: { stream: string; code: string }[]; failures?: { stream: string; whole?: string }[] }> {
  return JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8'));
}

describe('honest outcomes', { timeout: SUITE_TIMEOUT, concurrent: true }, () => {
  it('cloud: a repository listing answering 500 makes the run failed: exit 1, the summary says what failed; --fail-on never exits 0', async () => {
    const listing = `${basePath('cloud')}/repositories/${sim.cloud.workspace}?`;
    const broken = await proxy({
      // Retry-After: 0 so the retries (which do happen) cost no time.
      onRequest: (request) => (request.url.startsWith(listing) ? { status: 500, headers: { 'content-type': 'application/json', 'retry-after': '0' }, body: '{"type":"error","error":{"message":"boom"}}' } : undefined),
    });
    for (const [failOn, code] of [[undefined, 1], ['failed', 1], ['never', 0]] as const) {
      const cwd = join(scratch.path, `cloud-listing-500-${failOn ?? 'default'}`);
      await mkdir(cwd, { recursive: true });
      const { flags, env } = cliSetup('cloud', broken.origin);
      const result = await runCli(['sync', ...flags, ...(failOn === undefined ? [] : ['--fail-on', failOn])], env, cwd);
      expect(result.code, result.stdout + result.stderr).toBe(code);
      const [runDir] = await runFolders(cwd);
      const manifest = await manifestOf(runDir as string);
      expect(manifest.status).toBe('failed');
      expect(manifest.stopReason).toContain('the repositories listing failed (server_error)');
      expect(manifest.failures?.[0]).toMatchObject({ stream: 'repositories', whole: 'listing' });
      expect(await readFile(join(runDir as string, 'summary.md'), 'utf8')).toContain('the listing failed');
      expect(result.stdout).toContain('failed');
    }
  });

  it('datacenter: GET /repos answering 404 or 403 falls back to listing repositories per project; the run is complete and equals the truth', async () => {
    for (const status of [404, 403]) {
      const repos = `${basePath('datacenter')}/repos?`;
      const perProject: string[] = [];
      const broken = await proxy({
        onRequest: (request) => {
          if (/\/projects\/[^/]+\/repos\?/.test(request.url)) perProject.push(request.url);
          return request.url.startsWith(repos) ? { status, headers: { 'content-type': 'application/json' }, body: '{"errors":[{"message":"no"}]}' } : undefined;
        },
      });
      const dir = join(scratch.path, `dc-repos-${status}`);
      const { config, credentials } = connectorSetup('datacenter', sim, broken.origin);
      const result = await syncInProcess({ api: 'datacenter', config, credentials, stateFile: join(dir, 'state.json'), runDir: join(dir, 'run-1'), runId: 'run-1' });
      expect(result.error).toBeUndefined();
      expect(result.manifest?.status, JSON.stringify(result.manifest?.errors)).toBe('complete');
      expect(perProject.length).toBeGreaterThan(0);
      expect(cleanDiff(await mergedDiff('datacenter', sim, [join(dir, 'run-1')], join(dir, 'merged')))).toEqual(NO_DIFFERENCE);
    }
  });

  it.each(['cloud', 'datacenter'] as const)('%s: a listing that never ends (a fresh next on every empty page) is given up within a few pages, as pagination_error', async (api) => {
    // Cloud: workspace members; Data Center: users. Each page is empty and links to another one, forever.
    const endless = api === 'cloud' ? `${basePath('cloud')}/workspaces/${sim.cloud.workspace}/members` : `${basePath('datacenter')}/users`;
    let served = 0;
    let origin = '';
    const broken = await proxy({
      onRequest: (request) => {
        if (!request.url.startsWith(`${endless}?`)) return undefined;
        served += 1;
        const body =
          api === 'cloud'
            ? { pagelen: 50, values: [], next: `${origin}${endless}?pagelen=50&page=${served + 1}` }
            : { size: 0, limit: 25, start: served * 25, values: [], isLastPage: false, nextPageStart: (served + 1) * 25 };
        return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
      },
    });
    origin = broken.origin;
    const dir = join(scratch.path, `${api}-endless`);
    const { config, credentials } = connectorSetup(api, sim, broken.origin);
    const stream = api === 'cloud' ? 'workspace_members' : 'users';
    const result = await syncInProcess({ api, config, credentials, stateFile: join(dir, 'state.json'), runDir: join(dir, 'run-1'), runId: 'run-1', streams: [stream] });
    expect(result.manifest?.status).toBe('failed');
    expect(result.manifest?.errors.map((error) => error.code)).toEqual(['pagination_error']);
    // The stale-page cap (10 by default), not the page cap: a handful of requests, not the rate limit.
    expect(served).toBeGreaterThan(1);
    expect(served).toBeLessThanOrEqual(10);
  });

  it.each(['cloud', 'datacenter'] as const)('%s: SIGTERM stops the CLI gracefully (manifest and summary written, stopped, exit 143); the next run completes to the truth', async (api) => {
    const cwd = join(scratch.path, `${api}-sigterm`);
    await mkdir(cwd, { recursive: true });
    let signalled = false;
    let child: ReturnType<typeof spawnNode> | undefined;
    const counting = await proxy({
      latencyMs: 10,
      onRequest: (request) => {
        if (!signalled && request.n >= 12) {
          signalled = true;
          child?.child.kill('SIGTERM');
        }
        return undefined;
      },
    });
    const { flags, env } = cliSetup(api, counting.origin);
    child = spawnNode(CLI_SOURCE, { args: ['sync', ...flags, '--concurrency', '2'], env: { NO_COLOR: '1', ...env }, cwd });
    const stopped = await child.exited;
    const log = child.stdout() + child.stderr();
    expect(signalled).toBe(true);
    expect(stopped.signal, log).toBeNull();
    expect(stopped.code, log).toBe(143);
    expect(child.stderr()).toContain('Received SIGTERM: stopping at the next checkpoint');
    const [first] = await runFolders(cwd);
    const manifest = await manifestOf(first as string);
    expect(manifest.status).toBe('stopped');
    expect(manifest.stopReason).toBe('the run was cancelled');
    expect(existsSync(join(first as string, 'summary.md'))).toBe(true);
    expect(existsSync(join(first as string, 'state.json'))).toBe(true);

    const resumed = await runCli(['sync', ...flags], env, cwd);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const folders = await runFolders(cwd);
    expect(folders).toHaveLength(2);
    expect((await manifestOf(folders[1] as string)).status).toBe('complete');
    expect(cleanDiff(await mergedDiff(api, sim, folders, join(cwd, 'merged')))).toEqual(NO_DIFFERENCE);
  });
});
