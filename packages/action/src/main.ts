#!/usr/bin/env node
/** Entry of the action's main step (bundled into dist/main/index.js). */
import { run } from './action/main.js';

await run();
// Dangling keep-alive sockets or timers of the cache/artifact clients must not hold the step open.
process.exit(process.exitCode ?? 0);
