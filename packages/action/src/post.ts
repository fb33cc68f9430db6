#!/usr/bin/env node
/** Entry of the action's post step (bundled into dist/post/index.js). */
import { run } from './action/post.js';

await run();
process.exit(process.exitCode ?? 0);
