/** `bbsync sync`: one incremental sync into local folders. */
import { relative } from 'node:path';
import { configFlagsHelp, CONFIG_FLAGS, parse } from './args.js';
import { configFromArgs } from './config-from-args.js';
import { failsRun } from '../config/validate.js';
import { runLocalSync } from './local-sync.js';
import { printRunReport } from './report.js';
import type { CommandIo } from './io.js';

export const SYNC_HELP = `Usage: bbsync sync [options]

Syncs Bitbucket Cloud or Data Center into JSON Lines (gzip) run folders, incrementally: the cursor state in
--state-dir is read at the start and advanced as data is written, so the next run continues where this one ended.
SIGINT (Ctrl-C) or SIGTERM stops at the next checkpoint, writing the manifest and summary; a second signal
stops at once.

Options:
${configFlagsHelp()}
      --json                         print the run manifest as JSON on stdout
  -h, --help                         this help

Exit codes: 0 complete or stopped at a budget; 1 failed or partial (some partitions failed; see --fail-on);
2 bad input; 130 / 143 stopped by SIGINT / SIGTERM (after writing the manifest and summary).`;

/** Exit status of a process ended by a signal, as shells report it: 128 + the signal's number. */
const SIGNAL_EXIT_CODES: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };
type StopSignal = 'SIGINT' | 'SIGTERM';
const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

export async function syncCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parse(args, { ...CONFIG_FLAGS, json: { type: 'boolean' } });
  if (parsed.values.help) {
    io.terminal.out(SYNC_HELP);
    return 0;
  }
  const config = await configFromArgs(parsed, io.env, io.cwd);
  // SIGINT and SIGTERM stop alike: the engine ends at its last checkpoint and the manifest and summary are
  // written. Both handlers go after the first signal, so a second one ends the process at once.
  const controller = new AbortController();
  let stoppedBy: StopSignal | undefined;
  const stop = (signal: StopSignal) => {
    stoppedBy = signal;
    io.terminal.err(`Received ${signal}: stopping at the next checkpoint (send it again to stop at once)...`);
    controller.abort();
    for (const name of STOP_SIGNALS) process.off(name, stop);
  };
  for (const name of STOP_SIGNALS) process.on(name, stop);
  try {
    const result = await runLocalSync(config, { terminal: io.terminal, signal: controller.signal, cwd: io.cwd });
    if (parsed.values.json) io.terminal.out(JSON.stringify(result.manifest, null, 2));
    else {
      printRunReport(io.terminal, result.manifest, `bbsync ${config.source}`);
      io.terminal.out(`run folder: ${relative(io.cwd, result.runDir) || '.'}\nstate:      ${relative(io.cwd, result.statePath)}`);
    }
    if (stoppedBy !== undefined) return SIGNAL_EXIT_CODES[stoppedBy];
    return failsRun(result.manifest.status, config.failOn) ? 1 : 0;
  } finally {
    for (const name of STOP_SIGNALS) process.off(name, stop);
  }
}
