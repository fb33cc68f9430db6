/**
 * `pnpm bench`: runs the benchmark scenarios against the simulator and writes BENCHMARKS.md.
 * Entry point; see cli-args.ts for the options and bench.ts for what runs.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runBenchmarks } from './bench.js';
import { parseBenchArgs } from './cli-args.js';
import { writeDatasetSection } from './dataset-build.js';
import { renderWebhookSection, runWebhookBurst, writeWebhookSection } from './webhooks-burst.js';

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const extra = process.argv.slice(2).join(' ');
  const command = `pnpm bench${extra === '' ? '' : ` -- ${extra}`}`;
  const run = await runBenchmarks({
    quick: args.quick,
    scenarios: args.scenarios,
    command,
    startup: args.startup,
    largeDeadlineMs: args.largeDeadlineSeconds === undefined ? undefined : args.largeDeadlineSeconds * 1000,
    nodeDefaults: args.nodeDefaults,
  });
  const out = resolve(args.out);
  await writeFile(out, run.report);
  await writeWebhookSection(out, renderWebhookSection(await runWebhookBurst(), command));
  await writeDatasetSection(out, command);
  process.stdout.write(`\nWrote ${out}${run.failures.length > 0 ? ` (${run.failures.length} scenario(s) did not run)` : ''}\n`);
  if (run.failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
