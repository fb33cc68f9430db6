/** The command line of `pnpm bench`: `--scenarios a,b`, `--quick`, `--out FILE`, `--no-startup`, `--large-deadline S`, `--node-defaults`. */

export interface BenchArgs {
  readonly scenarios: readonly string[];
  readonly quick: boolean;
  /** Where to write the report. @default BENCHMARKS.md (in the working directory, the repository root under `pnpm bench`) */
  readonly out: string;
  readonly startup: boolean;
  /** Seconds after which a large-workspace sync stops gracefully (0 = never). */
  readonly largeDeadlineSeconds: number | undefined;
  /** Run the syncs with Node's default V8 and allocator settings instead of the shipped entry points' (for a before/after). */
  readonly nodeDefaults: boolean;
}

export const USAGE = 'usage: node packages/bench/dist/run.js [--scenarios cloud,datacenter-medium,...] [--quick] [--out BENCHMARKS.md] [--no-startup] [--large-deadline SECONDS] [--node-defaults]';

/** Parses the arguments; throws with the usage on anything unknown. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let scenarios: string[] = [];
  let quick = false;
  let out = 'BENCHMARKS.md';
  let startup = true;
  let largeDeadlineSeconds: number | undefined;
  let nodeDefaults = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '') throw new Error(`${name} needs a value\n${USAGE}`);
      return next;
    };
    if (name === '--scenarios') scenarios = value().split(',').map((s) => s.trim()).filter((s) => s !== '');
    else if (name === '--quick') quick = true;
    else if (name === '--out') out = value();
    else if (name === '--no-startup') startup = false;
    else if (name === '--node-defaults') nodeDefaults = true;
    else if (name === '--large-deadline') {
      const seconds = Number(value());
      if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`--large-deadline needs a number of seconds (0 = none)\n${USAGE}`);
      largeDeadlineSeconds = seconds;
    }
    else if (name === '--') continue;
    else throw new Error(`unknown argument '${arg}'\n${USAGE}`);
  }
  return { scenarios, quick, out, startup, largeDeadlineSeconds, nodeDefaults };
}
