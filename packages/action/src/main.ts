#!/usr/bin/env node
/**
 * Entry of the action's main step (bundled into dist/main/index.js). It starts itself again with a bounded
 * young generation first (see young-generation.ts), so the action is evaluated (a dynamic import, bundled
 * eagerly into the same file) only in the process that syncs.
 */
import { relaunchWithBoundedYoungGeneration } from './young-generation.js';

const relaunched = await relaunchWithBoundedYoungGeneration();
if (relaunched !== undefined) process.exit(relaunched);
// Eager: bundled into the entry's own file (no chunk), evaluated only here, after the relaunch.
const { run } = await import(/* webpackMode: "eager" */ './action/main.js');
await run();
// Dangling keep-alive sockets or timers of the cache/artifact clients must not hold the step open.
process.exit(process.exitCode ?? 0);
