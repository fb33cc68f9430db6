/**
 * The published packages work on their own: packs @bbsync/core, @bbsync/cloud and @bbsync/datacenter
 * (`pnpm pack`, which turns `workspace:` ranges into versions), installs the tarballs into an empty project, and
 * runs each README's first TypeScript/JavaScript example (Node 24 strips the types) against the simulator. Each
 * example prints its run manifest as JSON; the test asserts `status: complete` and that records were written.
 *
 * The install never reaches the network: `pnpm install --offline` against the pnpm store and metadata cache that
 * the workspace's own `pnpm install` filled, with every third-party dependency pinned (pnpm `overrides`) to the
 * version the workspace lockfile resolved, so the store holds it. So it passes on a machine whose npm cache is
 * empty and whose TLS goes through a corporate CA, and it cannot pass merely because some cache held a package.
 *
 * The examples are run as written, with two adjustments so they reach the simulator instead of Bitbucket:
 * the connector's `parseConfig` is wrapped to override `baseUrl` / `workspace`, and every
 * `process.env.NAME` the example reads is set from a simulator credential (TOKEN -> access token, ...).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

/** The runtime dependencies of the packed packages that are not ours, at the exact versions the workspace installed. */
async function thirdPartyVersions(): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const name of NAMES) {
    const manifest = JSON.parse(await readFile(join(PACKAGES, name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const resolveFrom = createRequire(join(PACKAGES, name, 'package.json'));
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      if (dependency.startsWith('@bbsync/')) continue;
      versions[dependency] = await installedVersion(dirname(resolveFrom.resolve(dependency)), dependency);
    }
  }
  return versions;
}

/** The version in the package.json of `name` at or above `dir` (a package's `exports` may hide its package.json). */
async function installedVersion(dir: string, name: string): Promise<string> {
  for (let current = dir; current !== dirname(current); current = dirname(current)) {
    const file = join(current, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(await readFile(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === name && manifest.version) return manifest.version;
  }
  throw new Error(`cannot find the installed version of ${name} from ${dir}`);
}

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
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'bbsync-pack-test', private: true, type: 'module', dependencies }, null, 2));
  // `overrides` make the connectors' `@bbsync/core` ranges resolve to the packed core, never a registry copy, and
  // pin each third-party dependency to the version the workspace installed (which the store therefore holds).
  const overrides: Record<string, string> = { '@bbsync/core': dependencies['@bbsync/core'] as string, ...(await thirdPartyVersions()) };
  await writeFile(join(project, 'pnpm-workspace.yaml'), `overrides:\n${Object.entries(overrides).map(([name, spec]) => `  ${JSON.stringify(name)}: ${JSON.stringify(spec)}`).join('\n')}\n`);
  const storeDir = (await run('pnpm', ['store', 'path'], { cwd: PACKAGES })).stdout.trim();
  try {
    await run('pnpm', ['install', '--offline', '--ignore-scripts', `--store-dir=${storeDir}`, '--reporter=append-only'], { cwd: project, timeout: 180_000 });
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    installError = `${failure.message}\n${failure.stdout ?? ''}${failure.stderr ?? ''}`;
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

describe('the packed packages, installed alone', { timeout: 180_000 }, () => {
  it('are built (turbo builds them before the tests run)', () => {
    expect(built, 'run `pnpm build` first').toBe(true);
  });
  for (const name of NAMES) {
    it(`runs the @bbsync/${name} README example: a complete run that wrote records`, async () => {
      const code = examples.get(name);
      expect(code, `packages/${name}/README.md has no TypeScript/JavaScript example that imports @bbsync/*`).toBeDefined();
      expect(installError, `pnpm install --offline of the packed tarballs failed: ${installError}`).toBeUndefined();
      const file = join(project, `example-${name}.mts`);
      await writeFile(file, preamble(name) + (code as string));
      const result = await run(process.execPath, [file], { cwd: project, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? project, ...exampleEnv(code as string, name) }, timeout: 120_000 }).catch(
        (error: { stdout?: string; stderr?: string; message: string }) => ({ stdout: error.stdout ?? '', stderr: `${error.message}\n${error.stderr ?? ''}`, failed: true }),
      );
      expect('failed' in result ? result.stderr : '', `the @bbsync/${name} README example failed`).toBe('');
      const manifest = printedManifest(result.stdout);
      expect(manifest, `the @bbsync/${name} README example must print its run manifest as JSON; it printed:\n${result.stdout}`).toBeDefined();
      expect(manifest?.status).toBe('complete');
      expect(manifest?.errors).toEqual([]);
      const written = Object.values(manifest?.streams ?? {}).reduce((sum, counts) => sum + counts.records, 0);
      expect(written, 'records written').toBeGreaterThan(0);
    });
  }
});

interface PrintedManifest {
  readonly status: string;
  readonly errors: readonly unknown[];
  readonly streams: Readonly<Record<string, { records: number }>>;
}

/** The run manifest an example printed: the last top-level JSON object in its output that has `status` and `streams`. */
function printedManifest(stdout: string): PrintedManifest | undefined {
  for (let start = stdout.lastIndexOf('\n{'); ; start = stdout.lastIndexOf('\n{', start - 1)) {
    const text = stdout.slice(start + 1);
    try {
      const value = JSON.parse(text) as Partial<PrintedManifest>;
      if (typeof value.status === 'string' && value.streams) return value as PrintedManifest;
    } catch {
      // not a whole JSON document from here: look further up
    }
    if (start <= 0) break;
  }
  try {
    const value = JSON.parse(stdout) as Partial<PrintedManifest>;
    return typeof value.status === 'string' && value.streams ? (value as PrintedManifest) : undefined;
  } catch {
    return undefined;
  }
}
