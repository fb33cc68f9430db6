#!/usr/bin/env node
/**
 * The `bbsync` binary. Checks the Node.js version first and only then loads the CLI (a dynamic import), so an
 * old Node gets one line and exit code 2 instead of a stack trace from a dependency's module body.
 */
import { nodeVersionProblem } from './cli/node-version.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}
const { main } = await import('./cli/main.js');
await main();
