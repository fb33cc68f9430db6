/**
 * No leaks. The CLI (a child process) and the bundled action (main + post, against a local results service) run
 * through success and every failure path (invalid credentials, a server that reflects the Authorization header
 * back in 4xx/5xx bodies and HTML pages, a budget stop, a configuration error, verify, merge) with distinctive
 * credentials. Every layer they produce is opened (gzip segments, the artifact's zip, the cache's tar archive) and
 * searched, with stdout, stderr, the job summary, outputs, state and the serializations of thrown errors, for each
 * secret, its URL-encoded form, its base64 at byte offsets 0, 1 and 2, and the base64 of `user:secret`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { isBbsyncError } from '@bbsync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_BUNDLED, ACTION_MAIN, ACTION_POST, ACTION_TEST_SUPPORT, runCli, visibleActionOutput } from './support/cli.js';
import { spawnNode } from './support/child-node.js';
import { connectorSetup, E2E_SEED, scratchDir, UNLIMITED_RATES } from './support/harness.js';
import { syncInProcess } from './support/in-process.js';
import { loadConnector } from './support/connectors.js';
import { loadCore, startSimulator } from './support/parts.js';
import { startEchoServer, type EchoServer, type EchoShape } from './support/echo-server.js';
import { startProxy, type ProxiedRequest, type ProxyAnswer, type RunningProxy } from './support/proxy.js';
import { filesUnder, findLeaks, leakForms } from './support/secrets.js';
import type { Simulator } from './support/sim-types.js';

const SUITE_TIMEOUT = 180_000;
const DC_USER = 'e2e-leak-user';
const DC_PASSWORD = 'E2E-dc-Pa55word-a1b2c3d4e5f6';
const BOGUS_TOKEN = 'E2E-bogus-TOKEN-0f9e8d7c6b5a4938';
const BOGUS_PASSWORD = 'E2E-wrong-PASSWORD-7c6b5a49';
/** Two double spaces: collapsing whitespace before redacting would print all of it but one space. */
const SPACED_PASSWORD = 'E2E dc  spaced  Pa55-q7w8e9r0t1y2';
const WEBHOOK_SECRET = 'E2E-webhook-SECRET-5d4c3b2a1f0e9d8c';

let sim: Simulator;
let reflector: RunningProxy;
let echo: EchoServer;
let scratch: Awaited<ReturnType<typeof scratchDir>>;
let forms: string[] = [];
let cloudToken = '';
let cloudEmail = '';
let cloudApiToken = '';

/** A hostile server: after the first requests, every answer reflects the credential it received back. */
function reflectingAnswer(request: ProxiedRequest): ProxyAnswer | undefined {
  if (request.n <= 2) return undefined;
  const authorization = String(request.headers.authorization ?? '');
  const decoded = Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString('utf8');
  const echo = `bad credential ${authorization} (${decoded}) for ${request.url}`;
  const kinds: ProxyAnswer[] = [
    { status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'error', error: { message: echo, detail: echo } }) },
    { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errors: [{ message: echo, exceptionName: echo }] }) },
    { status: 403, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: { message: echo } }) },
    { status: 401, headers: { 'content-type': 'text/plain', 'www-authenticate': `Basic realm="${echo}"` }, body: echo },
    { status: 502, headers: { 'content-type': 'text/html' }, body: `<html><head><title>${echo}</title></head><body>${echo}</body></html>` },
    { status: 429, headers: { 'content-type': 'text/plain', 'retry-after': '0' }, body: echo },
  ];
  return kinds[request.n % kinds.length];
}

beforeAll(async () => {
  sim = await startSimulator({ seed: E2E_SEED % 1000, size: 'tiny', rateLimits: UNLIMITED_RATES });
  scratch = await scratchDir('leaks');
  reflector = await startProxy(sim.origin, { onRequest: reflectingAnswer });
  echo = await startEchoServer();
  const core = await loadCore();
  cloudToken = sim.cloud.credentials.workspaceToken?.config.accessToken ?? '';
  cloudEmail = sim.cloud.credentials.apiToken?.config.email ?? '';
  cloudApiToken = sim.cloud.credentials.apiToken?.config.apiToken ?? '';
  sim.datacenter.control.addUser({ slug: DC_USER, displayName: 'E2E Leak', password: DC_PASSWORD, sysAdmin: true });
  expect(cloudToken.length).toBeGreaterThan(20);
  expect(cloudApiToken.length).toBeGreaterThan(20);
  forms = [
    ...leakForms(cloudToken, undefined, core.secretForms(cloudToken)),
    ...leakForms(cloudApiToken, cloudEmail, core.secretForms(cloudApiToken, cloudEmail)),
    ...leakForms(DC_PASSWORD, DC_USER, core.secretForms(DC_PASSWORD, DC_USER)),
    ...leakForms(BOGUS_TOKEN, undefined, core.secretForms(BOGUS_TOKEN)),
    ...leakForms(BOGUS_PASSWORD, DC_USER, core.secretForms(BOGUS_PASSWORD, DC_USER)),
    ...leakForms(SPACED_PASSWORD, DC_USER, core.secretForms(SPACED_PASSWORD, DC_USER)),
    ...leakForms(WEBHOOK_SECRET, undefined, core.secretForms(WEBHOOK_SECRET)),
  ];
});

afterAll(async () => {
  await reflector?.close();
  await echo?.close();
  await sim?.close();
  await scratch?.remove();
});

interface CliCase {
  readonly name: string;
  readonly args: (origin: string) => string[];
  readonly env: () => Record<string, string>;
  /** Expected exit code (0 ok, 1 failed, 2 bad input). */
  readonly code: number;
}

const cloudFlags = (origin: string) => ['--source', 'cloud', '--workspace', sim.cloud.workspace, '--base-url', sim.cloud.baseUrl.replace(sim.origin, origin), '--max-rate-limit-wait-minutes', '0.05'];
const dcFlags = (origin: string) => ['--source', 'datacenter', '--base-url', sim.datacenter.baseUrl.replace(sim.origin, origin)];
const echoCloudFlags = (shape: EchoShape) => ['--source', 'cloud', '--workspace', sim.cloud.workspace, '--base-url', `${echo.origin}/${shape}/2.0`, '--max-rate-limit-wait-minutes', '0.05'];
const echoDcFlags = (shape: EchoShape) => ['--source', 'datacenter', '--base-url', `${echo.origin}/${shape}/rest/api/1.0`, '--max-rate-limit-wait-minutes', '0.05'];

const CLI_CASES: CliCase[] = [
  { name: 'cloud sync, access token', args: (o) => ['sync', ...cloudFlags(o)], env: () => ({ BBSYNC_ACCESS_TOKEN: cloudToken }), code: 0 },
  { name: 'cloud sync, email + API token', args: (o) => ['sync', ...cloudFlags(o)], env: () => ({ BBSYNC_EMAIL: cloudEmail, BBSYNC_API_TOKEN: cloudApiToken }), code: 0 },
  { name: 'datacenter sync, username + password', args: (o) => ['sync', ...dcFlags(o)], env: () => ({ BBSYNC_USERNAME: DC_USER, BBSYNC_PASSWORD: DC_PASSWORD }), code: 0 },
  { name: 'cloud sync, invalid token (401)', args: (o) => ['sync', ...cloudFlags(o)], env: () => ({ BBSYNC_ACCESS_TOKEN: BOGUS_TOKEN }), code: 1 },
  { name: 'datacenter sync, wrong password (401)', args: (o) => ['sync', ...dcFlags(o)], env: () => ({ BBSYNC_USERNAME: DC_USER, BBSYNC_PASSWORD: BOGUS_PASSWORD }), code: 1 },
  { name: 'cloud sync, a server reflecting the credential', args: () => ['sync', ...cloudFlags(reflector.origin)], env: () => ({ BBSYNC_EMAIL: cloudEmail, BBSYNC_API_TOKEN: cloudApiToken }), code: 1 },
  { name: 'datacenter sync, a server reflecting the credential', args: () => ['sync', ...dcFlags(reflector.origin)], env: () => ({ BBSYNC_USERNAME: DC_USER, BBSYNC_PASSWORD: DC_PASSWORD }), code: 1 },
  { name: 'cloud sync, budget stop', args: (o) => ['sync', ...cloudFlags(o), '--max-requests', '3', '--concurrency', '1'], env: () => ({ BBSYNC_ACCESS_TOKEN: cloudToken }), code: 0 },
  {
    name: 'configuration error carrying secrets',
    args: (o) => ['sync', ...cloudFlags(o)],
    env: () => ({ BBSYNC_CREDENTIALS: JSON.stringify([{ accessToken: cloudToken, username: DC_USER, password: DC_PASSWORD }]) }),
    code: 2,
  },
  { name: 'cloud verify', args: (o) => ['verify', ...cloudFlags(o)], env: () => ({ BBSYNC_EMAIL: cloudEmail, BBSYNC_API_TOKEN: cloudApiToken }), code: 0 },
  { name: 'datacenter verify, a server reflecting the credential', args: () => ['verify', ...dcFlags(reflector.origin)], env: () => ({ BBSYNC_USERNAME: DC_USER, BBSYNC_PASSWORD: DC_PASSWORD }), code: 1 },
  // A server echoing the credential (or the webhook secret) after 240 characters of padding: a message cut to 300
  // characters before redaction would print most of it.
  { name: 'cloud sync, access token echoed after padding (JSON 401)', args: () => ['sync', ...echoCloudFlags('json-401')], env: () => ({ BBSYNC_ACCESS_TOKEN: cloudToken }), code: 1 },
  { name: 'cloud sync, API token echoed after padding (HTML 502, retried)', args: () => ['sync', ...echoCloudFlags('html-502')], env: () => ({ BBSYNC_EMAIL: cloudEmail, BBSYNC_API_TOKEN: cloudApiToken }), code: 1 },
  { name: 'cloud sync, API token echoed after padding (text 429, retried)', args: () => ['sync', ...echoCloudFlags('text-429')], env: () => ({ BBSYNC_EMAIL: cloudEmail, BBSYNC_API_TOKEN: cloudApiToken }), code: 1 },
  { name: 'datacenter sync, password with two spaces echoed after padding (text 500, retried)', args: () => ['sync', ...echoDcFlags('text-500')], env: () => ({ BBSYNC_USERNAME: DC_USER, BBSYNC_PASSWORD: SPACED_PASSWORD }), code: 1 },
  { name: 'cloud verify --json, API token echoed after padding (JSON 403)', args: () => ['verify', '--json', ...echoCloudFlags('json-403')], env: () => ({ BBSYNC_EMAIL: cloudEmail, BBSYNC_API_TOKEN: cloudApiToken }), code: 1 },
  { name: 'datacenter verify --json, password with two spaces echoed after padding (JSON 400)', args: () => ['verify', '--json', ...echoDcFlags('dc-json-400')], env: () => ({ BBSYNC_USERNAME: DC_USER, BBSYNC_PASSWORD: SPACED_PASSWORD }), code: 1 },
  { name: 'cloud sync, access token cut short by the server (JSON 401)', args: () => ['sync', ...echoCloudFlags('cut-json-401')], env: () => ({ BBSYNC_ACCESS_TOKEN: cloudToken }), code: 1 },
  { name: 'datacenter verify --json, password cut short by the server (JSON 401)', args: () => ['verify', '--json', ...echoDcFlags('cut-json-401')], env: () => ({ BBSYNC_USERNAME: DC_USER, BBSYNC_PASSWORD: SPACED_PASSWORD }), code: 1 },
  { name: 'datacenter verify, a piece of the password as the user header', args: () => ['verify', ...echoDcFlags('ok-user-header')], env: () => ({ BBSYNC_USERNAME: DC_USER, BBSYNC_PASSWORD: SPACED_PASSWORD }), code: 1 },
  { name: 'datacenter verify --json, a piece of the password as the user header', args: () => ['verify', '--json', ...echoDcFlags('ok-user-header')], env: () => ({ BBSYNC_USERNAME: DC_USER, BBSYNC_PASSWORD: SPACED_PASSWORD }), code: 1 },
  {
    name: 'cloud webhooks register, webhook secret echoed after padding (JSON 401)',
    args: () => ['webhooks', 'register', '--url', 'https://hooks.example.invalid/bbsync', ...echoCloudFlags('json-401')],
    env: () => ({ BBSYNC_ACCESS_TOKEN: cloudToken, BBSYNC_WEBHOOK_SECRET: WEBHOOK_SECRET }),
    code: 1,
  },
  {
    name: 'datacenter webhooks register, webhook secret echoed after padding (JSON 400)',
    args: () => ['webhooks', 'register', '--url', 'https://hooks.example.invalid/bbsync', '--target', 'PROJ/repo', ...echoDcFlags('dc-json-400')],
    env: () => ({ BBSYNC_USERNAME: DC_USER, BBSYNC_PASSWORD: SPACED_PASSWORD, BBSYNC_WEBHOOK_SECRET: WEBHOOK_SECRET }),
    code: 1,
  },
];

describe('the CLI', { timeout: SUITE_TIMEOUT, concurrent: true }, () => {
  it.each(CLI_CASES.map((c) => [c.name, c] as const))('%s: no secret anywhere', async (_name, c) => {
    const cwd = join(scratch.path, 'cli', c.name.replace(/\W+/g, '-'));
    await mkdir(cwd, { recursive: true });
    const result = await runCli(c.args(sim.origin), c.env(), cwd);
    const sources = new Map<string, string | Buffer>([
      ['stdout', result.stdout],
      ['stderr', result.stderr],
      ...(await filesUnder(cwd, 'cwd/')),
    ]);
    if (result.code === 0 && c.args(sim.origin)[0] === 'sync') {
      // merge the run folders too, and search its output.
      const merged = await runCli(['merge', '--out', join(cwd, 'merged'), join(cwd, '.bbsync', 'runs')], {}, cwd);
      expect(merged.code, merged.stdout + merged.stderr).toBe(0);
      sources.set('merge stdout', merged.stdout);
      sources.set('merge stderr', merged.stderr);
      for (const [name, data] of await filesUnder(join(cwd, 'merged'), 'merged/')) sources.set(name, data);
    }
    expect(result.code, result.stdout + result.stderr).toBe(c.code);
    if (c.code === 0 && c.args(sim.origin)[0] === 'sync') expect([...sources.keys()].some((name) => name.endsWith('.jsonl.gz'))).toBe(true);
    expect(findLeaks(sources, forms)).toEqual([]);
  });
});

describe('thrown errors and in-memory objects', { timeout: SUITE_TIMEOUT }, () => {
  it.each([
    ['cloud', 'api token via a reflecting server'],
    ['datacenter', 'password via a reflecting server'],
  ] as const)('%s, %s: every serialization of every error is clean', async (api, _what) => {
    const core = await loadCore();
    const connector = await loadConnector(api);
    const { config } = connectorSetup(api, sim, reflector.origin);
    const credentials = api === 'cloud' ? [{ email: cloudEmail, apiToken: cloudApiToken }] : [{ username: DC_USER, password: DC_PASSWORD }];
    const dir = join(scratch.path, 'errors', api);
    const result = await syncInProcess({ api, config, credentials, stateFile: join(dir, 'state.json'), runDir: join(dir, 'run'), runId: 'run', maxWaitMs: 1_000 });
    const sources = new Map<string, string | Buffer>([['result', JSON.stringify(result)], ['inspect', inspect(result, { depth: 20, showHidden: true })], ...(await filesUnder(dir, 'files/'))]);

    // Errors thrown by the client itself, cause chains included.
    const parsed = core.parseCredentials(credentials);
    const client = connector.createClient(connector.parseConfig(config), parsed, { maxWaitMs: 1_000 });
    for (let i = 0; i < 8; i += 1) {
      const error: unknown = await client.request({ url: `/e2e-leak-${i}` }).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error === undefined) continue;
      sources.set(`error ${i} JSON`, JSON.stringify(error));
      sources.set(`error ${i} inspect`, inspect(error, { depth: 20, showHidden: true }));
      sources.set(`error ${i} stack`, String((error as Error).stack));
      if (isBbsyncError(error)) sources.set(`error ${i} toJSON`, JSON.stringify(error.toJSON()));
    }
    sources.set('credentials JSON', JSON.stringify(parsed));
    sources.set('credentials inspect', inspect(parsed, { depth: 20, showHidden: true }));
    sources.set('client stats', JSON.stringify(client.stats()));
    await (client as { close?: () => Promise<void> }).close?.();
    expect(findLeaks(sources, forms)).toEqual([]);
  });
});

interface ResultsServiceLike {
  readonly url: string;
  artifactMode: 'ok' | 'down';
  readonly cacheEntries: { blob: string; finalized: boolean }[];
  readonly artifacts: { blob: string; finalized: boolean }[];
  blob(path: string): Buffer | undefined;
  close(): Promise<void>;
}

describe.skipIf(!ACTION_BUNDLED)('the bundled action', { timeout: SUITE_TIMEOUT }, () => {
  let results: ResultsServiceLike;
  let support: {
    runnerFiles(root: string, step: string): Promise<{ workspace: string; temp: string; output: string; state: string; summary: string }>;
    inputEnv(inputs: Record<string, string>): Record<string, string>;
    parseCommandFile(text: string): Record<string, string>;
    stateEnv(state: Record<string, string>): Record<string, string>;
    fakeRuntimeToken(run: string, job: string): string;
    startResultsService(): Promise<ResultsServiceLike>;
  };
  let runId = 5000;

  beforeAll(async () => {
    const runAction = (await import(/* @vite-ignore */ `${ACTION_TEST_SUPPORT}run-action.ts`)) as Record<string, unknown>;
    const service = (await import(/* @vite-ignore */ `${ACTION_TEST_SUPPORT}results-service.ts`)) as Record<string, unknown>;
    support = { ...runAction, ...service } as typeof support;
    results = await support.startResultsService();
  });

  afterAll(async () => {
    await results?.close();
  });

  const ACTION_CASES: { name: string; inputs: () => Record<string, string>; artifactDown?: boolean; uploads?: boolean }[] = [
    { name: 'cloud success (API token)', inputs: () => ({ source: 'cloud', workspace: sim.cloud.workspace, 'base-url': sim.cloud.baseUrl, email: cloudEmail, 'api-token': cloudApiToken }), uploads: true },
    { name: 'datacenter success (password)', inputs: () => ({ source: 'datacenter', 'base-url': sim.datacenter.baseUrl, username: DC_USER, password: DC_PASSWORD }), uploads: true },
    { name: 'cloud invalid token', inputs: () => ({ source: 'cloud', workspace: sim.cloud.workspace, 'base-url': sim.cloud.baseUrl, 'access-token': BOGUS_TOKEN }) },
    { name: 'datacenter reflecting server', inputs: () => ({ source: 'datacenter', 'base-url': sim.datacenter.baseUrl.replace(sim.origin, reflector.origin), username: DC_USER, password: DC_PASSWORD, 'max-rate-limit-wait-minutes': '0.05' }) },
    { name: 'cloud budget stop', inputs: () => ({ source: 'cloud', workspace: sim.cloud.workspace, 'base-url': sim.cloud.baseUrl, 'access-token': cloudToken, 'max-requests': '3', concurrency: '1' }) },
    { name: 'configuration error', inputs: () => ({ source: 'cloud', workspace: sim.cloud.workspace, 'base-url': sim.cloud.baseUrl, credentials: JSON.stringify([{ accessToken: cloudToken, username: DC_USER, password: DC_PASSWORD }]) }) },
    { name: 'artifact service down', inputs: () => ({ source: 'cloud', workspace: sim.cloud.workspace, 'base-url': sim.cloud.baseUrl, 'access-token': cloudToken }), artifactDown: true },
  ];

  it.each(ACTION_CASES.map((c) => [c.name, c] as const))('%s: no secret in logs, summary, outputs, state, artifact or cache', async (_name, c) => {
    runId += 1;
    const root = join(scratch.path, 'action', String(runId));
    const env = {
      ACTIONS_RESULTS_URL: results.url,
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_RUNTIME_TOKEN: support.fakeRuntimeToken(String(runId), '1'),
      GITHUB_RUN_ID: String(runId),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_REPOSITORY: 'acme/bbsync-e2e',
      GITHUB_API_URL: results.url.replace(/\/$/, ''),
      GITHUB_ACTIONS: 'true',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SERVER_URL: 'https://github.com',
      ...support.inputEnv({ 'cache-key-prefix': `leak-${runId}`, ...c.inputs() }),
    };
    const cacheBefore = results.cacheEntries.length;
    const artifactsBefore = results.artifacts.length;
    results.artifactMode = c.artifactDown ? 'down' : 'ok';
    const sources = new Map<string, string | Buffer>();
    let state: Record<string, string> = {};
    try {
      for (const [step, entry] of [['main', ACTION_MAIN], ['post', ACTION_POST]] as const) {
        const files = await support.runnerFiles(root, step);
        const run = spawnNode(entry, {
          cwd: files.workspace,
          env: { ...env, ...support.stateEnv(state), GITHUB_WORKSPACE: files.workspace, RUNNER_TEMP: files.temp, GITHUB_OUTPUT: files.output, GITHUB_STATE: files.state, GITHUB_STEP_SUMMARY: files.summary },
        });
        await run.exited;
        sources.set(`${step} stdout`, visibleActionOutput(run.stdout()));
        sources.set(`${step} stderr`, run.stderr());
        if (step === 'main') state = support.parseCommandFile((await filesUnder(root)).get('main.state')?.toString('utf8') ?? '');
      }
    } finally {
      results.artifactMode = 'ok';
    }
    for (const [name, data] of await filesUnder(root, 'runner/')) sources.set(name, data);
    for (const entry of results.cacheEntries.slice(cacheBefore)) sources.set(`cache ${entry.blob}`, results.blob(entry.blob) ?? Buffer.alloc(0));
    for (const entry of results.artifacts.slice(artifactsBefore)) sources.set(`artifact ${entry.blob}`, results.blob(entry.blob) ?? Buffer.alloc(0));
    if (c.uploads === true) {
      // The search covered a real artifact (a zip of gzip segments) and a real cache archive.
      expect(results.artifacts.length).toBeGreaterThan(artifactsBefore);
      expect(results.cacheEntries.length).toBeGreaterThan(cacheBefore);
    }
    expect(findLeaks(sources, forms)).toEqual([]);
  });
});
