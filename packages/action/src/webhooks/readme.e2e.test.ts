/**
 * The README's "Real-time with webhooks" walk-through, run as written by bash against the simulator: the only
 * changes are the two ports (free ones instead of 7990 and 8080, so parallel runs do not collide) and the
 * working folder (a scratch folder whose `packages` links to this repository's). It needs the built CLI and
 * simulator (`pnpm build`), as the README says.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BUILT = existsSync(join(ROOT, 'packages/action/dist/cli.js')) && existsSync(join(ROOT, 'packages/simulator/dist/cli.js'));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The first ```sh block after the heading. */
function walkThrough(readme: string): string {
  const section = readme.slice(readme.indexOf('## Real-time with webhooks'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('the README has no sh block under "Real-time with webhooks"');
  return block;
}

describe.skipIf(!BUILT)('README: Real-time with webhooks', () => {
  it('runs as written against the simulator and merges the webhook record', async () => {
    const [simPort, hookPort] = [await freePort(), await freePort()];
    const script = walkThrough(await readFile(join(ROOT, 'README.md'), 'utf8')).replaceAll('7990', String(simPort)).replaceAll('8080', String(hookPort));
    const work = await mkdtemp(join(tmpdir(), 'bbsync-readme-'));
    await symlink(join(ROOT, 'packages'), join(work, 'packages'));
    // Wait for each server before the next line uses it (a person types slower than bash runs), then stop both.
    const paced = script
      .replace(/(--port \d+ &)\n/, `$1\nuntil curl -s http://127.0.0.1:${simPort}/_sim/cloud/repositories >/dev/null; do sleep 0.1; done\n`)
      .replace(/(webhooks serve [^\n]*&)\n/, `$1\nuntil curl -s http://127.0.0.1:${hookPort}/healthz >/dev/null; do sleep 0.1; done\n`);
    try {
      const run = spawn('bash', ['-e', '-c', `${paced}\nkill %1 %2\nwait\n`], {
        cwd: work,
        // `node` is the Node 24 this test runs on, as under `pnpm` scripts.
        env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      run.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      run.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => run.once('close', resolve));
      expect(code, err).toBe(0);
      expect(out).toMatch(/created\s+workspace acme/);
      expect(out).toMatch(/pull_requests\s+1\s+1\s+0\s+0/);
      expect(err).toContain('delivery stored source=cloud');
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
