// Registers hooks.mjs (see there). Loaded with `--import` by child-node.ts.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
