/**
 * The `bbsync` command line: `sync`, `verify`, `merge`, `demo`, `webhooks register`, `db`, `metrics`, `report`. Exit codes: 0 ok,
 * 1 the operation failed (a failed sync, a verification that is not ok), 2 bad input (usage or config).
 */
import { isBbsyncError } from '@bbsync/core';
import { UsageError } from './args.js';
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
  webhooks register    register a webhook that notifies your endpoint of repository and pull request events
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
  const command = COMMANDS[name];
  if (!command) {
    io.terminal.err(`bbsync: unknown command ${JSON.stringify(name)} (allowed: ${Object.keys(COMMANDS).join(', ')})`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.terminal.err(`bbsync ${name}: ${error.message}\nRun \`bbsync ${name} --help\` for the options.`);
      return 2;
    }
    if (isBbsyncError(error, 'config_error')) {
      io.terminal.err(`bbsync ${name}: configuration error:\n${error.message}`);
      return 2;
    }
    if (isBbsyncError(error)) {
      io.terminal.err(`bbsync ${name}: ${error.code}: ${error.message}\nhint: ${error.hint}`);
      return 1;
    }
    io.terminal.err(`bbsync ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}
