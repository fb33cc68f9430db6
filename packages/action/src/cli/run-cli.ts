/**
 * The `bbsync` command line: `sync`, `verify`, `merge`, `demo`, `webhooks register|serve`, `db`, `metrics`,
 * `report`. Exit codes: 0 ok, 1 the operation failed (a failed or partial sync under `--fail-on`, a verification
 * that is not ok), 2 bad input (usage or config), 130 / 143 a sync stopped gracefully by SIGINT / SIGTERM.
 */
import { isBbsyncError, Redactor } from '@bbsync/core';
import { secretFragments } from '../config/credentials-text.js';
import { CREDENTIAL_ENV, UsageError } from './args.js';
import { dbCommand, metricsCommand, reportCommand } from './db.js';
import { demoCommand } from './demo.js';
import type { CommandIo } from './io.js';
import { mergeCommand } from './merge.js';
import { syncCommand } from './sync.js';
import { verifyCommand } from './verify.js';
import { webhooksCommand } from './webhooks.js';

export const MAIN_HELP = `Usage: bbsync <command> [options]

Incremental Bitbucket Cloud and Data Center extraction into JSON Lines.

Commands:
  sync                 sync into local run folders (incremental: state is kept in .bbsync/state)
  verify               check credentials, scopes and permissions for the selected streams
  merge                fold run folders (shards, runs, a previous snapshot) into one snapshot by primary key
  demo                 run a full and an incremental sync against a local simulator (no credentials, no network)
  webhooks             register hooks on Bitbucket; serve the receiver that stores their deliveries
  db                   build, query or export the SQLite dataset of a snapshot (needs Node 22.13+)
  metrics              pull request flow and DORA figures of a snapshot or dataset, as a table or JSON
  report               the figures as charts: one self-contained HTML file (no network)

Run \`bbsync <command> --help\` for a command's options.`;

type Command = (args: readonly string[], io: CommandIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  sync: syncCommand,
  verify: verifyCommand,
  merge: mergeCommand,
  demo: demoCommand,
  webhooks: webhooksCommand,
  db: dbCommand,
  metrics: metricsCommand,
  report: reportCommand,
};

/** Runs the CLI; resolves with the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.terminal.out(MAIN_HELP);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.terminal.err(`bbsync: unknown command ${JSON.stringify(name)} (allowed: ${Object.keys(COMMANDS).join(', ')})`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    // Whatever failed, the credentials given to this command (flags or BBSYNC_* variables) are blanked out.
    const redactor = new Redactor();
    for (const secret of commandSecrets(rest, io.env)) redactor.add(secret);
    const err = (text: string) => io.terminal.err(redactor.redact(text));
    if (error instanceof UsageError) {
      err(`bbsync ${name}: ${error.message}\nRun \`bbsync ${name} --help\` for the options.`);
      return 2;
    }
    if (isBbsyncError(error, 'config_error')) {
      err(`bbsync ${name}: configuration error:\n${error.message}`);
      return 2;
    }
    if (isBbsyncError(error)) {
      err(`bbsync ${name}: ${error.code}: ${error.message}\nhint: ${error.hint}`);
      return 1;
    }
    if (isSystemError(error)) {
      // A file system failure (a full disk, a permission): its message names the path; a stack adds nothing.
      err(`bbsync ${name}: io error: ${error.message}\nhint: check the folders (--output-dir, --state-dir, --out) exist or can be created, and are writable.`);
      return 1;
    }
    err(`bbsync ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

/** Secret flags; `--email` and `--username` are not secrets. */
const SECRET_FLAGS = ['access-token', 'api-token', 'password', 'credentials'] as const;

/** Shortest value redacted: shorter ones would blank ordinary words (and a real credential is never this short). */
const MIN_SECRET_LENGTH = 4;

/** The secret values given to a command: secret flags (`--flag value` or `--flag=value`) and their BBSYNC_* variables. */
function commandSecrets(args: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  const values: string[] = [];
  args.forEach((arg, index) => {
    for (const flag of SECRET_FLAGS) {
      if (arg === `--${flag}` && args[index + 1] !== undefined) values.push(args[index + 1] as string);
      else if (arg.startsWith(`--${flag}=`)) values.push(arg.slice(flag.length + 3));
    }
  });
  for (const flag of SECRET_FLAGS) {
    const value = env[CREDENTIAL_ENV[flag] as string];
    if (value !== undefined) values.push(value);
  }
  // A credentials text holds several secrets among its words (and JSON string values).
  return values.flatMap((value) => [value, ...secretFragments(value)]).filter((value) => value.length >= MIN_SECRET_LENGTH);
}

/** A Node system error (`ENOTDIR`, `EACCES`, `ENOSPC`, ...): it has an errno `code` and the failed `syscall`. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}
