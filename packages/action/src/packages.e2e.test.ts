/**
 * The published packages work on their own: packs @bbsync/core, @bbsync/cloud and @bbsync/datacenter
 * (`pnpm pack`, which turns `workspace:` ranges into versions), installs the tarballs into an empty project with
 * npm (offline from npm's cache when it can, else from the registry), and runs each README's first TypeScript
 * example (Node 24 strips the types) against the simulator.
 *
 * The examples are run as written, with two adjustments so they reach the simulator instead of Bitbucket:
 * the connector's `parseConfig` is wrapped to override `baseUrl` / `workspace`, and every
 * `process.env.NAME` the example reads is set from a simulator credential (TOKEN -> access token, ...).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimCredential } from '@bbsync/simulator';
import { pickCredential, startTestSimulator, type TestSimulator } from './demo/simulator.js';

const run = promisify(execFile);
const PACKAGES = fileURLToPath(new URL('../../', import.meta.url));
const NAMES = ['core', 'cloud', 'datacenter'] as const;

/** The first ts/js code block of a README that imports a bbsync package, or undefined. */
export function readmeExample(readme: string): string | undefined {
  for (const match of readme.matchAll(/```(?:ts|typescript|js|javascript|mjs)\n([\s\S]*?)```/g)) {
    const code = match[1] as string;
    if (/from ['"]@bbsync\//.test(code)) return code;
  }
  return undefined;
}

const examples = new Map<string, string | undefined>();
for (const name of NAMES) {
  const path = join(PACKAGES, name, 'README.md');
  examples.set(name, existsSync(path) ? readmeExample(await readFile(path, 'utf8')) : undefined);
}
const built = NAMES.every((name) => existsSync(join(PACKAGES, name, 'dist', 'index.js')));

let project: string;
let sim: TestSimulator;
let installError: string | undefined;

beforeAll(async () => {
  if (!built) return;
  project = await mkdtemp(join(tmpdir(), 'bbsync-packages-'));
  const tarballs = join(project, 'tarballs');
  await mkdir(tarballs);
  for (const name of NAMES) await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(PACKAGES, name) });
  const files = await readdir(tarballs);
  const tarball = (name: string) => `file:./tarballs/${files.find((file) => file.startsWith(`bbsync-${name}-`)) as string}`;
  const dependencies = Object.fromEntries(NAMES.map((name) => [`@bbsync/${name}`, tarball(name)]));
  // `overrides` make the connectors' `@bbsync/core` ranges resolve to the packed core, never a registry copy.
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'bbsync-pack-test', private: true, type: 'module', dependencies, overrides: { '@bbsync/core': dependencies['@bbsync/core'] } }, null, 2));
  const npmArgs = ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];
  try {
    await run('npm', [...npmArgs, '--offline'], { cwd: project, timeout: 120_000 });
  } catch {
    try {
      await run('npm', [...npmArgs, '--prefer-offline'], { cwd: project, timeout: 180_000 });
    } catch (error) {
      installError = error instanceof Error ? error.message : String(error);
    }
  }
  sim = await startTestSimulator({ size: 'tiny' });
}, 300_000);

afterAll(async () => {
  await sim?.close();
  if (project) await rm(project, { recursive: true, force: true });
});

function preamble(name: string): string {
  if (name === 'core') return '';
  const [pkg, exported] = name === 'cloud' ? ['@bbsync/cloud', 'cloudConnector'] : ['@bbsync/datacenter', 'dataCenterConnector'];
  return [
    `import { ${exported} as __connector } from '${pkg}';`,
    `const __parse = __connector.parseConfig.bind(__connector);`,
    `(__connector as { parseConfig: unknown }).parseConfig = (raw: Record<string, unknown>, prefix?: string) => __parse({ ...raw, ...JSON.parse(process.env.BBSYNC_EXAMPLE_OVERRIDES ?? '{}') }, prefix);`,
    '',
  ].join('\n');
}

/** A capable sample credential that has `field` (the README example decides which kind it reads). */
function credentialWith(credentials: Readonly<Record<string, SimCredential>>, field: keyof SimCredential['config']): SimCredential['config'] {
  const usable = Object.entries(credentials).filter(([n, c]) => c.config[field] !== undefined && !/revoked|invalid|expired|readOnly|^no|NoPipelines|Member|appPassword|repo|project/i.test(n));
  return usable[0]?.[1].config ?? pickCredential(credentials);
}

function exampleEnv(code: string, name: string): Record<string, string> {
  const api = name === 'datacenter' ? sim.datacenter : sim.cloud;
  const wantsBasic = /process\.env\.[A-Z_]*(EMAIL|USER)/.test(code);
  const credential = wantsBasic ? credentialWith(api.credentials, name === 'datacenter' ? 'username' : 'email') : credentialWith(api.credentials, 'accessToken');
  const projects = [...new Set(sim.raw.datacenter.groundTruth().projects.map((p) => p.key))];
  const overrides = name === 'datacenter' ? { baseUrl: sim.datacenter.serverUrl, projects } : { baseUrl: sim.cloud.baseUrl, workspace: sim.cloud.workspace };
  const env: Record<string, string> = { BBSYNC_EXAMPLE_OVERRIDES: JSON.stringify(overrides) };
  for (const match of code.matchAll(/process\.env\.([A-Z0-9_]+)/g)) {
    const variable = match[1] as string;
    const value =
      /EMAIL/.test(variable) ? credential.email
      : /API_TOKEN/.test(variable) ? (credential.apiToken ?? credential.accessToken)
      : /USER/.test(variable) ? credential.username
      : /PASSWORD/.test(variable) ? (credential.password ?? credential.accessToken)
      : /TOKEN/.test(variable) ? (credential.accessToken ?? credential.apiToken ?? credential.password)
      : /URL/.test(variable) ? overrides.baseUrl
      : /WORKSPACE/.test(variable) ? sim.cloud.workspace
      : undefined;
    if (value !== undefined) env[variable] = value;
  }
  return env;
}

describe.skipIf(!built)('the packed packages, installed alone', { timeout: 180_000 }, () => {
  for (const name of NAMES) {
    const code = examples.get(name);
    it.skipIf(code === undefined)(`runs the @bbsync/${name} README example`, async () => {
      expect(installError, `npm install of the packed tarballs failed: ${installError}`).toBeUndefined();
      const file = join(project, `example-${name}.mts`);
      await writeFile(file, preamble(name) + (code as string));
      const result = await run(process.execPath, [file], { cwd: project, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? project, ...exampleEnv(code as string, name) }, timeout: 120_000 }).catch(
        (error: { stdout?: string; stderr?: string; message: string }) => ({ stdout: error.stdout ?? '', stderr: `${error.message}\n${error.stderr ?? ''}`, failed: true }),
      );
      expect('failed' in result ? result.stderr : '', `the @bbsync/${name} README example failed`).toBe('');
    });
  }
});

it.skipIf(built)('the packages are built (pnpm --filter @bbsync/core --filter @bbsync/cloud --filter @bbsync/datacenter build)', () => {
  expect(built).toBe(true);
});
