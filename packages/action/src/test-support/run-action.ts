/**
 * Runs a bundled action entry (`dist/main/index.js`, `dist/post/index.js`) the way the runner does: a child
 * process with `INPUT_*` variables and the runner's files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY),
 * passing main's saved state to post as `STATE_*`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RunnerFiles {
  readonly workspace: string;
  readonly temp: string;
  readonly output: string;
  readonly state: string;
  readonly summary: string;
}

/** Creates a runner's folders and empty command files below `root`. */
export async function runnerFiles(root: string, step: string): Promise<RunnerFiles> {
  const files = {
    workspace: join(root, 'workspace'),
    temp: join(root, 'temp'),
    output: join(root, `${step}.output`),
    state: join(root, `${step}.state`),
    summary: join(root, `${step}.summary.md`),
  };
  await mkdir(files.workspace, { recursive: true });
  await mkdir(files.temp, { recursive: true });
  for (const file of [files.output, files.state, files.summary]) await writeFile(file, '');
  return files;
}

/** Parses the `name<<delimiter` / `name=value` format of GITHUB_OUTPUT and GITHUB_STATE (later values win). */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i += 1; i < lines.length && lines[i] !== heredoc[2]; i += 1) value.push(lines[i] as string);
      out[heredoc[1] as string] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

/** The `INPUT_<NAME>` variables of inputs (hyphens stay, like the runner does). */
export function inputEnv(inputs: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  return env;
}

export interface StepResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly state: Record<string, string>;
  readonly summary: string;
}

export interface StartedStep {
  readonly child: ChildProcess;
  /** Resolves when the output so far matches. */
  waitForOutput(pattern: RegExp): Promise<void>;
  readonly done: Promise<StepResult>;
}

/** Starts `node <entry>` with the runner's environment. */
export function startStep(entry: string, files: RunnerFiles, env: Readonly<Record<string, string>>): StartedStep {
  const child = spawn(process.execPath, [entry], {
    cwd: files.workspace,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? files.temp,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: files.workspace,
      RUNNER_TEMP: files.temp,
      GITHUB_OUTPUT: files.output,
      GITHUB_STATE: files.state,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SERVER_URL: 'https://github.com',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(stdout)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    check();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<StepResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      void (async () => {
        resolve({
          code,
          signal,
          stdout,
          stderr,
          outputs: parseCommandFile(await readFile(files.output, 'utf8')),
          state: parseCommandFile(await readFile(files.state, 'utf8')),
          summary: await readFile(files.summary, 'utf8'),
        });
      })().catch(reject);
    });
  });
  return {
    child,
    done,
    waitForOutput: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stdout)) return resolve();
        waiters.push({ pattern, resolve });
        void done.then(() => reject(new Error(`step ended before its output matched ${pattern}:\n${stdout}\n${stderr}`)), reject);
      }),
  };
}

/** The `STATE_*` variables the runner gives post from main's GITHUB_STATE. */
export function stateEnv(state: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(state)) env[`STATE_${name}`] = value;
  return env;
}
