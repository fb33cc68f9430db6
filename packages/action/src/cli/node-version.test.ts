import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MINIMUM_NODE, nodeVersionProblem } from './node-version.js';

const run = promisify(execFile);
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

describe('the Node.js version check of the CLI', () => {
  it('accepts the minimum and newer, refuses older with one line naming both versions and what to do', () => {
    expect(nodeVersionProblem('22.19.0')).toBeUndefined();
    expect(nodeVersionProblem('24.1.0')).toBeUndefined();
    expect(nodeVersionProblem('30.0.0')).toBeUndefined();
    for (const old of ['20.20.2', '22.18.9', '18.0.0']) {
      const problem = nodeVersionProblem(old) as string;
      expect(problem).toContain(`bbsync needs Node ${MINIMUM_NODE.major}.${MINIMUM_NODE.minor} or newer; this is ${old}`);
      expect(problem).toContain('pnpm bbsync');
      expect(problem).toContain('Node 24');
      expect(problem).not.toContain('\n');
    }
  });

  it('runs before anything else loads: the built entry imports only the check, and the check imports nothing', async () => {
    const entry = await readFile(`${DIST}cli.js`, 'utf8');
    const staticImports = [...entry.matchAll(/^import\s[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1]);
    expect(staticImports).toEqual(['./cli/node-version.js']);
    expect(entry).toMatch(/await import\(['"]\.\/cli\/main\.js['"]\)/);
    const check = await readFile(`${DIST}cli/node-version.js`, 'utf8');
    expect(check).not.toMatch(/^\s*import\s/m);
  });

  // The machine's own Node, when it is older than the minimum (Node 20 on a fresh machine), gets the one line and exit 2.
  const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => existsSync(path));
  it.runIf(systemNode !== undefined)('under an older system Node, dist/cli.js --help prints the one line and exits 2', async () => {
    const version = (await run(systemNode as string, ['-p', 'process.versions.node'])).stdout.trim();
    const result = await run(systemNode as string, [`${DIST}cli.js`, '--help']).then(
      (ok) => ({ code: 0, ...ok }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    if (nodeVersionProblem(version) === undefined) {
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: bbsync');
    } else {
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`${nodeVersionProblem(version)}\n`);
    }
  });
});
