import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickCredential, startTestSimulator, type TestSimulator } from '../demo/simulator.js';
import { runCli } from './run-cli.js';
import { createTerminal } from './terminal.js';

class Capture extends Writable {
  text = '';
  isTTY: boolean;
  constructor(isTTY = false) {
    super();
    this.isTTY = isTTY;
  }
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

async function cli(args: string[], env: Record<string, string> = {}, cwd = process.cwd(), tty = false): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Capture(tty);
  const stderr = new Capture(tty);
  const code = await runCli(args, { terminal: createTerminal({ stdout, stderr, env }), env, cwd });
  return { code, out: stdout.text, err: stderr.text };
}

describe('bbsync CLI input handling', () => {
  it('prints help per command', async () => {
    for (const command of ['sync', 'verify', 'merge', 'demo']) {
      const result = await cli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.out).toContain(`Usage: bbsync ${command}`);
    }
    expect((await cli(['webhooks', 'register', '--help'])).out).toContain('Usage: bbsync webhooks register');
    expect((await cli(['--help'])).out).toContain('Commands:');
  });

  it('exits 2 on bad input, naming the flag or field', async () => {
    const unknown = await cli(['sync', '--wat']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--wat/);
    const shard = await cli(['sync', '--source', 'cloud', '--workspace', 'acme', '--shard', '5/4'], { BBSYNC_ACCESS_TOKEN: 'token-value-123' });
    expect(shard.code).toBe(2);
    expect(shard.err).toContain('--shard: "5/4" is not valid (allowed: i/n with 1 <= i <= n)');
    const missing = await cli(['verify', '--source', 'cloud'], { BBSYNC_ACCESS_TOKEN: 'token-value-123' });
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cloud.workspace: is required when source is cloud');
    const noCredential = await cli(['sync', '--source', 'cloud', '--workspace', 'acme']);
    expect(noCredential.code).toBe(2);
    expect(noCredential.err).toContain('credentials: no credential given');
    expect((await cli(['frobnicate'])).code).toBe(2);
    for (const inherited of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const result = await cli([inherited]);
      expect(result.code, inherited).toBe(2);
      expect(result.err).toContain(`unknown command ${JSON.stringify(inherited)}`);
    }
    expect((await cli(['merge'])).err).toContain('--out is required');
    expect((await cli(['demo', '--source', 'gitlab'])).err).toContain('--source: "gitlab" is not valid (allowed: cloud, datacenter, both)');
    const badFile = await cli(['sync', '--config', 'does-not-exist.yml']);
    expect(badFile.code).toBe(2);
    expect(badFile.err).toContain('--config: cannot read "does-not-exist.yml" (ENOENT)');
  });

  it('blanks the given credentials out of every error, and reports a file system error without a stack', async () => {
    const secret = 'tok-cli-SECRET-0123456789';
    for (const [args, env] of [
      [['sync', '--source', 'cloud', '--workspace', 'acme', `--access-token=${secret}`, '--shard', secret], {}],
      [['sync', '--source', 'cloud', '--workspace', 'acme', '--shard', secret], { BBSYNC_ACCESS_TOKEN: secret }],
      [['sync', '--source', 'cloud', '--workspace', 'acme', '--shard', secret], { BBSYNC_CREDENTIALS: `label=ci access-token=${secret}` }],
    ] as const) {
      const result = await cli([...args], { ...env });
      expect(result.code).toBe(2);
      expect(result.err).toContain('--shard: "***" is not valid');
      expect(result.out + result.err).not.toContain(secret);
    }
    const dir = await mkdtemp(join(tmpdir(), 'bbsync-cli-io-'));
    try {
      const merge = await cli(['merge', '--out', '/etc/passwd/snapshot', dir]);
      expect(merge.code).toBe(1);
      expect(merge.err).toMatch(/^bbsync merge: io error: ENOTDIR/);
      expect(merge.err).not.toMatch(/\n\s+at /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes no ANSI codes when not a TTY or in CI', async () => {
    const plain = await cli(['frobnicate', '--help'], { CI: 'true' }, process.cwd(), true);
    expect(plain.err).not.toMatch(/\u001b\[/);
    const terminal = createTerminal({ stdout: new Capture(true), stderr: new Capture(true), env: { CI: 'true' } });
    expect(terminal.interactive).toBe(false);
    expect(terminal.bold('x')).toBe('x');
    const tty = createTerminal({ stdout: new Capture(true), stderr: new Capture(true), env: {} });
    expect(tty.interactive).toBe(true);
    expect(tty.bold('x')).toBe('\u001b[1mx\u001b[0m');
  });
});

describe('bbsync sync, verify and merge against the simulator', () => {
  let sim: TestSimulator;
  let dir: string;
  beforeAll(async () => {
    sim = await startTestSimulator({ size: 'tiny' });
    dir = await mkdtemp(join(tmpdir(), 'bbsync-cli-'));
  });
  afterAll(async () => {
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('syncs twice (the second run is incremental), verifies, and merges', async () => {
    const token = pickCredential(sim.cloud.credentials).accessToken as string;
    const env = { BBSYNC_ACCESS_TOKEN: token, CI: 'true' };
    const flags = ['--source', 'cloud', '--workspace', sim.cloud.workspace, '--base-url', sim.cloud.baseUrl];

    const verify = await cli(['verify', ...flags], env, dir);
    expect(verify.code, verify.out + verify.err).toBe(0);
    expect(verify.out).toContain('ok: every selected stream can be served');

    const first = await cli(['sync', ...flags, '--json'], env, dir);
    expect(first.code, first.err).toBe(0);
    const full = JSON.parse(first.out) as { status: string; requests: { total: number } };
    expect(full.status).toBe('complete');
    expect(first.err).toMatch(/✓ \w+ done/);
    expect(first.err).not.toMatch(/\u001b\[/);

    await sim.applyActivity();
    const second = await cli(['sync', ...flags], env, dir);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toMatch(/bbsync cloud: complete/);
    expect(second.out).toMatch(/run folder: \.bbsync\/runs\//);
    const requests = Number(/requests: ([\d,]+)/.exec(second.out)?.[1]?.replace(/,/g, ''));
    expect(requests).toBeLessThan(full.requests.total);

    const merged = await cli(['merge', '--out', 'snapshot', '.bbsync/runs'], env, dir);
    expect(merged.code, merged.err).toBe(0);
    expect(merged.out).toMatch(/stream\s+records\s+new\s+updated\s+deleted/);

    for (const output of [verify, first, second, merged]) expect(output.out + output.err).not.toContain(token);
  });

  it('registers a workspace webhook once (idempotent: the second run updates it), and dry-runs', async () => {
    const token = pickCredential(sim.cloud.credentials).accessToken as string;
    const env = { BBSYNC_ACCESS_TOKEN: token, BBSYNC_WEBHOOK_SECRET: 'hook-secret-123', CI: 'true' };
    const flags = ['webhooks', 'register', '--url', 'https://hooks.example.com/bbsync', '--source', 'cloud', '--workspace', sim.cloud.workspace, '--base-url', sim.cloud.baseUrl];
    const dry = await cli([...flags, '--dry-run'], env, dir);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`would register on workspace ${sim.cloud.workspace} (/workspaces/${sim.cloud.workspace}/hooks)`);
    const created = await cli(flags, env, dir);
    expect(created.code, created.err).toBe(0);
    expect(created.out).toContain('created');
    const again = await cli(flags, env, dir);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('updated');
    expect(created.out + created.err + again.out + again.err).not.toContain('hook-secret-123');
  });
});

describe('bbsync demo', () => {
  it('runs full and incremental syncs of both sources and shows both summaries', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bbsync-demo-'));
    try {
      const result = await cli(['demo', '--size', 'tiny', '--out', 'demo'], { CI: 'true' }, dir);
      expect(result.code, result.err).toBe(0);
      expect(result.out).toMatch(/cloud\s+full\s+complete/);
      expect(result.out).toMatch(/cloud\s+incremental\s+complete/);
      expect(result.out).toMatch(/datacenter\s+full\s+complete/);
      expect(result.out).toMatch(/datacenter\s+incremental\s+complete/);
      expect(result.out).toContain('force-push on');
      expect(result.out).toContain('files: demo/<source>/');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
