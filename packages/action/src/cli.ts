#!/usr/bin/env node
/** The `bbsync` binary. */
import { createTerminal } from './cli/terminal.js';
import { runCli } from './cli/run-cli.js';

const code = await runCli(process.argv.slice(2), { terminal: createTerminal(), env: process.env, cwd: process.cwd() });
process.exit(code);
