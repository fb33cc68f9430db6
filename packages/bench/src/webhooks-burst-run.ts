/** `node packages/bench/dist/webhooks-burst-run.js [--out BENCHMARKS.md]`: the receiver burst alone. */
import { resolve } from 'node:path';
import { renderWebhookSection, runWebhookBurst, writeWebhookSection } from './webhooks-burst.js';

const outAt = process.argv.indexOf('--out');
const out = resolve(outAt >= 0 ? (process.argv[outAt + 1] ?? 'BENCHMARKS.md') : 'BENCHMARKS.md');
const result = await runWebhookBurst();
await writeWebhookSection(out, renderWebhookSection(result, 'node packages/bench/dist/webhooks-burst-run.js'));
process.stdout.write(`${JSON.stringify(result)}\nWrote ${out}\n`);
