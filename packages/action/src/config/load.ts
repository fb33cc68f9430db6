/**
 * Loads the configuration: the config file (YAML or JSON) merged with inputs / flags, then validated.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ConfigProblem } from './issues.js';
import { buildOverrides, mergeConfig } from './options.js';
import { ConfigProblems, validateConfig, type SyncConfig, type ValidateOptions } from './validate.js';

/** Reads a config file: `.json` as JSON, anything else as YAML (a superset of JSON). */
export async function readConfigFile(path: string, field: string, cwd?: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    // Relative to the caller's directory (the CLI's, which a wrapper may run from elsewhere); messages keep the path as given.
    text = await readFile(cwd === undefined ? path : resolve(cwd, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigProblems([{ field, problem: `cannot read ${JSON.stringify(path)} (${code})`, allowed: 'a path to a YAML or JSON file' }]);
  }
  let parsed: unknown;
  try {
    parsed = path.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const where = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const position = where ? ` at line ${where.line}, column ${where.col}` : '';
    throw new ConfigProblems([{ field, problem: `${JSON.stringify(path)} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}${position}` }]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigProblems([{ field, problem: `${JSON.stringify(path)} does not hold a mapping`, allowed: 'a YAML/JSON object with source, cloud/datacenter, ...' }]);
  }
  return parsed as Record<string, unknown>;
}

export interface LoadOptions extends Omit<ValidateOptions, 'fieldLabels'> {
  /** Path of the config file, if any. */
  readonly file?: string | undefined;
  /** Directory a relative `file` is read from. @default process.cwd() */
  readonly cwd?: string | undefined;
  /** Input / flag values by kebab-case name. */
  readonly values: Readonly<Record<string, string | undefined>>;
  /** How an option is named in messages, e.g. `(n) => \`input "${n}"\`` or `(n) => \`--${n}\``. */
  readonly optionName: (option: string) => string;
}

/** Loads, merges and validates; throws a `config_error` naming each bad field. */
export async function loadConfig(options: LoadOptions): Promise<SyncConfig> {
  const fileField = options.optionName('config-file');
  const fileConfig = options.file ? await readConfigFile(options.file, fileField, options.cwd) : {};
  const problems: ConfigProblem[] = [];
  const overrides = buildOverrides(options.values, fileConfig, options.optionName, problems);
  if (problems.length > 0) throw new ConfigProblems(problems);
  const merged = mergeConfig(fileConfig, overrides.config);
  return validateConfig(merged, { ...options, fieldLabels: overrides.labels });
}
