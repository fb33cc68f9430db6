#!/usr/bin/env node
/**
 * The `bbsync` binary. Checks the Node.js version first and only then loads the CLI (a dynamic import), so an
 * old Node gets one line and exit code 2 instead of a stack trace from a dependency's module body. Before
 * loading it, it starts itself again with a bounded young generation (see young-generation.ts).
 */
import { nodeVersionProblem } from './cli/node-version.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}
const { relaunchWithBoundedYoungGeneration } = await import('./young-generation.js');
const relaunched = await relaunchWithBoundedYoungGeneration();
if (relaunched !== undefined) process.exit(relaunched);
const { main } = await import('./cli/main.js');
await main();
