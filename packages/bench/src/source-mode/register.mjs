// Registers hooks.mjs (see there). Loaded with `--import` by spawn.ts when the benchmark runs from sources.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
