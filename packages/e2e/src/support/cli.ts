/**
 * The `bbsync` CLI and the bundled action as child processes. The CLI runs from its TypeScript sources (the code
 * under test here); the action runs from the repository's bundle (`dist/main/index.js`, `dist/post/index.js`),
 * which exists only after `pnpm --filter @bbsync/action bundle`: tests of it are skipped without it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnNode } from './child-node.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** packages/action/src/cli.ts */
export const CLI_SOURCE = `${REPO_ROOT}packages/action/src/cli.ts`;
export const ACTION_MAIN = `${REPO_ROOT}dist/main/index.js`;
export const ACTION_POST = `${REPO_ROOT}dist/post/index.js`;
/** True when the bundled action exists. */
export const ACTION_BUNDLED = existsSync(ACTION_MAIN) && existsSync(ACTION_POST);
/** The action's test support (results service, runner files), imported by path: the package does not export it. */
export const ACTION_TEST_SUPPORT = `${REPO_ROOT}packages/action/src/test-support/`;

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bbsync <args>` with exactly `env` (plus PATH and HOME) in `cwd`. */
export async function runCli(args: readonly string[], env: Readonly<Record<string, string>>, cwd: string): Promise<CliResult> {
  const run = spawnNode(CLI_SOURCE, { args, env: { NO_COLOR: '1', ...env }, cwd });
  const { code, signal } = await run.exited;
  return { code, signal, stdout: run.stdout(), stderr: run.stderr() };
}

/**
 * The action's stdout as the runner shows it: `::add-mask::<value>` lines are workflow commands the runner
 * consumes (registering the value for masking) and never prints, so they are not output.
 */
export function visibleActionOutput(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}
