/** `bbsync sync`: one incremental sync into local folders. */
import { relative } from 'node:path';
import { configFlagsHelp, CONFIG_FLAGS, parse } from './args.js';
import { configFromArgs } from './config-from-args.js';
import { runLocalSync } from './local-sync.js';
import { printRunReport } from './report.js';
import type { CommandIo } from './io.js';

export const SYNC_HELP = `Usage: bbsync sync [options]

Syncs Bitbucket Cloud or Data Center into JSON Lines (gzip) run folders, incrementally: the cursor state in
--state-dir is read at the start and advanced as data is written, so the next run continues where this one ended.
Ctrl-C stops at the next checkpoint.

Options:
${configFlagsHelp()}
      --json                         print the run manifest as JSON on stdout
  -h, --help                         this help

Exit codes: 0 complete or stopped at a budget, 1 failed, 2 bad input.`;

export async function syncCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parse(args, { ...CONFIG_FLAGS, json: { type: 'boolean' } });
  if (parsed.values.help) {
    io.terminal.out(SYNC_HELP);
    return 0;
  }
  const config = await configFromArgs(parsed, io.env, io.cwd);
  const controller = new AbortController();
  const stop = () => {
    io.terminal.err('Stopping at the next checkpoint (Ctrl-C again to force)...');
    controller.abort();
    process.off('SIGINT', stop);
  };
  process.on('SIGINT', stop);
  try {
    const result = await runLocalSync(config, { terminal: io.terminal, signal: controller.signal, cwd: io.cwd });
    if (parsed.values.json) io.terminal.out(JSON.stringify(result.manifest, null, 2));
    else {
      printRunReport(io.terminal, result.manifest, `bbsync ${config.source}`);
      io.terminal.out(`run folder: ${relative(io.cwd, result.runDir) || '.'}\nstate:      ${relative(io.cwd, result.statePath)}`);
    }
    return result.manifest.status === 'failed' ? 1 : 0;
  } finally {
    process.off('SIGINT', stop);
  }
}
