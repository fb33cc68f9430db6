/**
 * The root README's command-line section works as written. Its blocks marked `<!-- readme-test: … -->` are read
 * from the README itself: the Cloud and Data Center config examples are written to `bbsync.json` (with the base
 * URL, workspace and projects pointed at the simulator, and `$BITBUCKET_TOKEN` set from a simulator credential),
 * and every line of the CLI block runs verbatim in bash, as a user would type it, in a fresh folder. The two
 * set-up commands are checked against what CI runs (`.ci/run` must run command 2 exactly; command 1 is the demo).
 * A marked block that disappears fails the test.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readRecords } from '@bbsync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimulator, type TestSimulator } from './demo/simulator.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The fenced block after `<!-- readme-test: name -->`, or undefined. */
export function markedBlock(readme: string, name: string): string | undefined {
  const marker = `<!-- readme-test: ${name} -->`;
  const at = readme.indexOf(marker);
  if (at < 0) return undefined;
  const match = /^\s*```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at + marker.length));
  return match?.[1];
}

/** The command lines of a shell block (comment-only and empty lines dropped; trailing comments kept, bash ignores them). */
function commandLines(block: string): string[] {
  return block.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

const readme = await readFile(join(ROOT, 'README.md'), 'utf8');

describe('the README set-up commands', () => {
  it('are the two commands, and .ci/run runs command 2 exactly', async () => {
    const block = markedBlock(readme, 'commands');
    expect(block, 'README.md has no block marked <!-- readme-test: commands -->').toBeDefined();
    const [demo, tests, ...more] = commandLines(block as string);
    expect(more).toEqual([]);
    expect(demo).toMatch(/^npx --yes pnpm@[\d.]+ install --frozen-lockfile && npx --yes pnpm@[\d.]+ demo$/);
    expect(tests).toMatch(/^npx --yes pnpm@[\d.]+ install --frozen-lockfile && npx --yes pnpm@[\d.]+ run ci$/);
    const ciRun = await readFile(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ciRun.split('\n')).toContain(tests);
    const pinned = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;
    expect(demo).toContain(pinned);
    expect(tests).toContain(pinned);
  });
});

describe('the README command-line section, run as written against the simulator', { timeout: 240_000 }, () => {
  let sim: TestSimulator;
  const folders: string[] = [];
  beforeAll(async () => {
    sim = await startTestSimulator({ size: 'tiny' });
  });
  afterAll(async () => {
    await sim?.close();
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  for (const source of ['cloud', 'datacenter'] as const) {
    it(`${source}: verify, sync twice and merge succeed, and the snapshot holds every repository`, async () => {
      const configBlock = markedBlock(readme, `config ${source}`);
      const cliBlock = markedBlock(readme, 'cli');
      expect(configBlock, `README.md has no block marked <!-- readme-test: config ${source} -->`).toBeDefined();
      expect(cliBlock, 'README.md has no block marked <!-- readme-test: cli -->').toBeDefined();
      const config = JSON.parse(configBlock as string) as Record<string, Record<string, unknown>>;
      expect(config.credentials).toEqual([{ accessToken: '$BITBUCKET_TOKEN' }]);
      const truth = source === 'cloud' ? sim.raw.cloud.groundTruth() : sim.raw.datacenter.groundTruth();
      if (source === 'cloud') config.cloud = { ...config.cloud, baseUrl: sim.cloud.baseUrl, workspace: sim.cloud.workspace };
      else config.datacenter = { ...config.datacenter, baseUrl: sim.datacenter.serverUrl, projects: [...new Set((truth as { projects: { key: string }[] }).projects.map((p) => p.key))] };
      const token = source === 'cloud' ? sim.cloud.credentials.workspaceToken?.config.accessToken : sim.datacenter.credentials.bearerPersonal?.config.accessToken;
      expect(token).toBeDefined();

      // Inside the clone (so `pnpm bbsync` finds the root package.json), in the ignored .bbsync folder.
      const folder = join(ROOT, '.bbsync', `readme-test-${source}-${process.pid}`);
      folders.push(folder);
      await rm(folder, { recursive: true, force: true });
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, 'bbsync.json'), JSON.stringify(config, null, 2));
      const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? folder, CI: 'true', BITBUCKET_TOKEN: token as string };
      const lines = commandLines(cliBlock as string);
      expect(lines.length).toBeGreaterThanOrEqual(3);
      for (const line of lines) {
        const result = await run('bash', ['-c', line], { cwd: folder, env, timeout: 180_000 }).catch((error: { code?: number; stdout?: string; stderr?: string }) => ({
          failed: error.code ?? 1,
          stdout: error.stdout ?? '',
          stderr: error.stderr ?? '',
        }));
        expect('failed' in result ? result.failed : 0, `\`${line}\` failed:\n${result.stdout}\n${result.stderr}`).toBe(0);
      }

      const runsRoot = join(folder, '.bbsync', 'runs');
      const runs = (await readdir(runsRoot, { recursive: true })).filter((path) => path.endsWith('manifest.json'));
      expect(runs.length).toBe(lines.filter((line) => /\bbbsync sync\b/.test(line)).length);
      const manifests = await Promise.all(runs.map(async (path) => JSON.parse(await readFile(join(runsRoot, path), 'utf8')) as { status: string; requests: { total: number }; startedAt: string }));
      manifests.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      expect(manifests.map((manifest) => manifest.status)).toEqual(manifests.map(() => 'complete'));
      // The second sync is incremental: nothing changed, so it costs less than the first.
      expect((manifests[1] as { requests: { total: number } }).requests.total).toBeLessThan((manifests[0] as { requests: { total: number } }).requests.total);

      const snapshot = join(folder, 'snapshot');
      expect(existsSync(snapshot)).toBe(true);
      const repositories = new Set<string>();
      for await (const record of readRecords(snapshot)) if (record.stream === 'repositories' && !record.deleted) repositories.add(record.key);
      expect(repositories.size).toBe((truth as { repositories: unknown[] }).repositories.length);
    });
  }
});
