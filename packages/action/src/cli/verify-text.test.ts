import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimulator, type TestSimulator } from '../demo/simulator.js';
import { runCli } from './run-cli.js';
import { createTerminal } from './terminal.js';
import { credentialName, curlCommand, wrapText } from './verify-text.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

describe('verify text helpers', () => {
  it('wraps words into lines no longer than the width, losing none', () => {
    const text = 'Check that the credential is correct, not expired or revoked. Access tokens are sent as Bearer tokens.';
    const lines = wrapText(text, 30);
    expect(lines.every((line) => line.length <= 30)).toBe(true);
    expect(lines.join(' ')).toBe(text);
    expect(wrapText('', 30)).toEqual([]);
    expect(wrapText('a-very-long-word-that-does-not-fit', 10)).toEqual(['a-very-long-word-that-does-not-fit']);
  });

  it('names a credential once: its index, and its label only when the user gave one', () => {
    expect(credentialName(0, 'credential #0')).toBe('#0');
    expect(credentialName(1, 'ci')).toBe('#1 ci');
  });

  it('builds a curl command with the credential as a shell variable, relative to the API base', () => {
    expect(curlCommand(new URL('https://api.bitbucket.org/2.0'), 'GET /repositories/acme', 'access_token')).toBe(
      `curl -sS -i -H "Authorization: Bearer $BITBUCKET_TOKEN" 'https://api.bitbucket.org/2.0/repositories/acme'`,
    );
    expect(curlCommand(new URL('https://host/bb/rest/api/1.0/'), 'GET /projects?limit=1', 'password')).toBe(
      `curl -sS -i -u "$BITBUCKET_USER:$BITBUCKET_PASSWORD" 'https://host/bb/rest/api/1.0/projects?limit=1'`,
    );
    expect(curlCommand(new URL('https://api.bitbucket.org/2.0'), "GET /repositories/it's", 'api_token')).toBe(
      `curl -sS -i -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" 'https://api.bitbucket.org/2.0/repositories/it'\\''s'`,
    );
    expect(curlCommand(new URL('https://api.bitbucket.org/2.0'), '', 'access_token')).toBeUndefined();
  });
});

describe('bbsync verify, as printed', () => {
  let sim: TestSimulator;
  beforeAll(async () => {
    sim = await startTestSimulator({ size: 'tiny' });
  });
  afterAll(async () => sim?.close());

  it('prints each failed check with its hint wrapped under the row and a curl command without the secret', async () => {
    const secret = 'wrong-secret-value-0123456789abcdef';
    const env = { BAD_TOKEN: secret };
    const config = JSON.stringify({ source: 'cloud', cloud: { workspace: sim.cloud.workspace, baseUrl: sim.cloud.baseUrl }, credentials: [{ accessToken: '$BAD_TOKEN' }] });
    const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'bbsync-verify-'));
    try {
      await writeFile(join(dir, 'bbsync.json'), config);
      const stdout = new Capture();
      const stderr = new Capture();
      const code = await runCli(['verify', '--config', 'bbsync.json'], { terminal: createTerminal({ stdout, stderr, env }), env, cwd: dir });
      expect(code, stderr.text).toBe(1);
      const lines = stdout.text.split('\n');
      expect(lines[0]).toMatch(/^credential\s+stream\s+result\s+endpoint$/);
      const row = lines.find((line) => line.startsWith('#0 ')) as string;
      expect(row).toMatch(/^#0\s+\(identity\)\s+invalid_credentials \(401\)\s+GET \/\S+$/);
      const path = (/GET (\/\S+)$/.exec(row) as RegExpExecArray)[1] as string;
      expect(stdout.text).not.toContain('#0 credential #0');
      expect(stdout.text).toContain('credential #0: 0 streams');
      expect(path).toContain(`/${sim.cloud.workspace}`);
      expect(stdout.text).toContain(`    try: curl -sS -i -H "Authorization: Bearer $BITBUCKET_TOKEN" '${sim.cloud.baseUrl}${path}'`);
      const hintLines = lines.filter((line) => line.startsWith('    ') && !line.startsWith('    try:'));
      expect(hintLines.length).toBeGreaterThan(0);
      expect(hintLines.every((line) => line.length <= 100)).toBe(true);
      expect(stdout.text + stderr.text).not.toContain(secret.slice(0, 16));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
