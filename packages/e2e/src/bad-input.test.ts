/**
 * Bad input fails fast: each wrong configuration (flags and BBSYNC_* variables of the CLI, run as a child process;
 * and the same as inputs of the bundled action) exits non-zero with a message that names the field and says what
 * is allowed, before a single request is sent (the base URL points at a recording server that must stay silent).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAttacker, type Attacker } from './support/attacker.js';
import { ACTION_BUNDLED, ACTION_MAIN, runCli, visibleActionOutput } from './support/cli.js';
import { spawnNode } from './support/child-node.js';
import { scratchDir } from './support/harness.js';

const SUITE_TIMEOUT = 120_000;

// Started at collection time: the case table names its origin.
const server: Attacker = await startAttacker();
let scratch: Awaited<ReturnType<typeof scratchDir>>;

beforeAll(async () => {
  scratch = await scratchDir('bad-input');
});

afterAll(async () => {
  await server?.close();
  await scratch?.remove();
});

interface Case {
  readonly name: string;
  /** Settings as action inputs / CLI flags (without `--`). */
  readonly inputs: Record<string, string>;
  /** The field (as the user wrote it, or its config path) the message must name. */
  readonly field: RegExp;
  /** What the message must say is allowed. */
  readonly allowed: RegExp;
}

const TOKEN = 'e2e-bad-input-token-5f1c0a';
/** A secret put where it does not belong (a URL's query, fragment or user info; a mistyped credential line). */
const URL_SECRET = 'BBDC-e2e-misplaced-SECRET-7d3e9a1b';

/** Any 16 characters in a row of a secret: a secret cut short is still a secret. */
function partsOf(secret: string): string[] {
  return Array.from({ length: secret.length - 15 }, (_, i) => secret.slice(i, i + 16));
}

function cases(): Case[] {
  const base = `${server.origin}/2.0`;
  const cloud = { source: 'cloud', workspace: 'acme', 'base-url': base, 'access-token': TOKEN };
  const dc = { source: 'datacenter', 'base-url': `${server.origin}/bitbucket`, 'access-token': TOKEN };
  const without = (object: Record<string, string>, key: string) => Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));
  return [
    { name: 'missing workspace', inputs: without(cloud, 'workspace'), field: /workspace/, allowed: /slug|letters|e\.g\./i },
    { name: 'unknown source', inputs: { ...cloud, source: 'gitlab' }, field: /source/, allowed: /cloud.*datacenter|datacenter.*cloud/ },
    {
      name: 'both a token and a password on one credential',
      inputs: { ...without(cloud, 'access-token'), credentials: JSON.stringify([{ accessToken: TOKEN, username: 'u', password: `${TOKEN}-pw` }]) },
      field: /credentials(\[0\]|.*0)/,
      allowed: /exactly one|one of|only one/i,
    },
    { name: 'empty credentials', inputs: without(cloud, 'access-token'), field: /credential/i, allowed: /accessToken|access-token|api-token|password/i },
    { name: 'an empty credentials list', inputs: { ...without(cloud, 'access-token'), credentials: '[]' }, field: /credential/i, allowed: /accessToken|access-token|at least one/i },
    { name: 'malformed shard (n < i)', inputs: { ...cloud, shard: '3/2' }, field: /shard/, allowed: /i\/n|1 <= i|1 ≤ i|e\.g\./i },
    { name: 'malformed shard (text)', inputs: { ...cloud, shard: 'first' }, field: /shard/, allowed: /i\/n|e\.g\./i },
    { name: 'unknown stream', inputs: { ...cloud, streams: 'pull_requests,everything' }, field: /stream/, allowed: /pull_requests|repositories/ },
    { name: 'bad start date', inputs: { ...cloud, 'start-date': '2024-13-45' }, field: /start-?date|startDate/i, allowed: /ISO|YYYY/ },
    { name: 'not a date at all', inputs: { ...cloud, 'start-date': 'yesterday' }, field: /start-?date|startDate/i, allowed: /ISO|YYYY/ },
    { name: 'bad base URL (scheme)', inputs: { ...cloud, 'base-url': 'ftp://example.com/2.0' }, field: /base-?url|baseUrl/i, allowed: /http/ },
    { name: 'bad base URL (not a URL)', inputs: { ...cloud, 'base-url': 'not a url' }, field: /base-?url|baseUrl/i, allowed: /http/ },
    { name: 'base URL with credentials in it', inputs: { ...cloud, 'base-url': `http://user:${TOKEN}@127.0.0.1:9/2.0` }, field: /base-?url|baseUrl/i, allowed: /e\.g\.|http/ },
    { name: 'data center without a base URL', inputs: without(dc, 'base-url'), field: /base-?url|baseUrl/i, allowed: /https?:|server URL/i },
    { name: 'concurrency out of range', inputs: { ...cloud, concurrency: '0' }, field: /concurrency/, allowed: /\d/ },
    { name: 'negative request budget', inputs: { ...cloud, 'max-requests': '-5' }, field: /max-?requests|maxRequests/i, allowed: /\d|positive|integer/i },
    { name: 'base URL with a token in its query', inputs: { ...cloud, 'base-url': `${server.origin}/2.0?token=${URL_SECRET}` }, field: /base-?url|baseUrl/i, allowed: /without \? or #/ },
    { name: 'ftp base URL with a PAT as user info', inputs: { ...dc, 'base-url': `ftp://admin:${URL_SECRET}@127.0.0.1:9/` }, field: /base-?url|baseUrl/i, allowed: /http/ },
    { name: 'misspelt scheme with a token', inputs: { ...dc, 'base-url': `htp://127.0.0.1:9/?token=${URL_SECRET}` }, field: /base-?url|baseUrl/i, allowed: /http/ },
    { name: 'base URL with a PAT in its fragment', inputs: { ...cloud, 'base-url': `${server.origin}/2.0#${URL_SECRET}` }, field: /base-?url|baseUrl/i, allowed: /without \? or #/ },
    { name: 'mistyped credential key', inputs: { ...without(cloud, 'access-token'), credentials: `accesToken=${URL_SECRET}` }, field: /credentials.*accesToken/i, allowed: /access-token=/ },
    { name: 'zero time budget', inputs: { ...cloud, 'max-minutes': '0' }, field: /max-?minutes/i, allowed: /a number > 0 and <= 525600/ },
    { name: 'negative lookback', inputs: { ...cloud, 'lookback-days': '-3' }, field: /lookback-?days/i, allowed: /a whole number >= 1/ },
    { name: 'output folder that is a file', inputs: { ...cloud, 'output-dir': '/etc/passwd' }, field: /output-?dir/i, allowed: /folder/ },
    { name: 'state folder that is a device', inputs: { ...cloud, 'state-dir': '/dev/null' }, field: /state-?dir/i, allowed: /folder/ },
  ];
}

/** Flags from inputs: `--name value`; the secret goes through the environment, as the CLI recommends. */
function cliArgs(inputs: Record<string, string>): { args: string[]; env: Record<string, string> } {
  const args = ['sync'];
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) {
    if (name === 'access-token') env.BBSYNC_ACCESS_TOKEN = value;
    else if (name === 'credentials') env.BBSYNC_CREDENTIALS = value;
    else args.push(`--${name}=${value}`);
  }
  return { args, env };
}

describe('the CLI', { timeout: SUITE_TIMEOUT, concurrent: true }, () => {
  it.each(cases().map((c) => [c.name, c] as const))('%s: exits non-zero naming the field and what is allowed', async (_name, c) => {
    const { args, env } = cliArgs(c.inputs);
    const cwd = join(scratch.path, 'cli');
    await import('node:fs/promises').then((fs) => fs.mkdir(cwd, { recursive: true }));
    const result = await runCli(args, env, cwd);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stderr).toMatch(c.field);
    expect(result.stderr).toMatch(c.allowed);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
    for (const part of partsOf(URL_SECRET)) expect(result.stdout + result.stderr).not.toContain(part);
    expect(result.stderr, 'a config error, not a stack').not.toMatch(/\n\s+at /);
    expect(server.received, 'no request is sent on bad input').toEqual([]);
  });
});

describe.skipIf(!ACTION_BUNDLED)('the bundled action', { timeout: SUITE_TIMEOUT, concurrent: true }, () => {
  it.each(cases().map((c) => [c.name, c] as const))('%s: fails the step naming the input and what is allowed', async (_name, c) => {
    const { runnerFiles, inputEnv } = (await import(/* @vite-ignore */ `${(await import('./support/cli.js')).ACTION_TEST_SUPPORT}run-action.ts`)) as {
      runnerFiles(root: string, step: string): Promise<{ workspace: string; temp: string; output: string; state: string; summary: string }>;
      inputEnv(inputs: Record<string, string>): Record<string, string>;
    };
    const files = await runnerFiles(join(scratch.path, 'action', c.name.replace(/\W+/g, '-')), 'main');
    const run = spawnNode(ACTION_MAIN, {
      cwd: files.workspace,
      env: {
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: files.workspace,
        RUNNER_TEMP: files.temp,
        GITHUB_OUTPUT: files.output,
        GITHUB_STATE: files.state,
        GITHUB_STEP_SUMMARY: files.summary,
        ...inputEnv(c.inputs),
      },
    });
    const { code } = await run.exited;
    expect(code, run.stdout() + run.stderr()).not.toBe(0);
    const errors = run.stdout().split('\n').filter((line) => line.startsWith('::error'));
    expect(errors.join('\n'), run.stdout()).toMatch(c.field);
    expect(errors.join('\n')).toMatch(c.allowed);
    expect(visibleActionOutput(run.stdout()) + run.stderr()).not.toContain(TOKEN);
    for (const part of partsOf(URL_SECRET)) expect(visibleActionOutput(run.stdout()) + run.stderr()).not.toContain(part);
    expect(server.received).toEqual([]);
  });
});
