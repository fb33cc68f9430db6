/** Command-line parsing (node:util parseArgs) shared by the commands, with usage errors that exit 2. */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { SETTING_OPTIONS } from '../config/options.js';

/** A usage error: the message names the flag; the CLI exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Flags every config-driven command takes (the action's inputs, as `--kebab-case`). */
export const CONFIG_FLAGS: ParseArgsOptionsConfig = {
  config: { type: 'string', short: 'c' },
  ...Object.fromEntries(SETTING_OPTIONS.map((option) => [option.name, { type: 'string' as const }])),
  // Secrets on a command line show up in `ps` and shell history: prefer the BBSYNC_* variables.
  'access-token': { type: 'string' },
  email: { type: 'string' },
  'api-token': { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  credentials: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** Credential variables read when the flag is not given. */
export const CREDENTIAL_ENV: Readonly<Record<string, string>> = {
  credentials: 'BBSYNC_CREDENTIALS',
  'access-token': 'BBSYNC_ACCESS_TOKEN',
  email: 'BBSYNC_EMAIL',
  'api-token': 'BBSYNC_API_TOKEN',
  username: 'BBSYNC_USERNAME',
  password: 'BBSYNC_PASSWORD',
};

export interface Parsed {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

/** Parses `args` strictly; unknown flags and missing values become a {@link UsageError}. */
export function parse(args: readonly string[], options: ParseArgsOptionsConfig, allowPositionals = false): Parsed {
  try {
    const result = parseArgs({ args: [...args], options, allowPositionals, strict: true });
    return { values: result.values as Parsed['values'], positionals: result.positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^.*?: /, '') : String(error);
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/, ''));
  }
}

/** The config-related values as `name -> string` (flags win over BBSYNC_* variables). */
export function configValues(values: Parsed['values'], env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const option of SETTING_OPTIONS) out[option.name] = values[option.name] as string | undefined;
  for (const [flag, variable] of Object.entries(CREDENTIAL_ENV)) out[flag] = (values[flag] as string | undefined) ?? env[variable];
  return out;
}

/** The help lines of the config flags. */
export function configFlagsHelp(): string {
  const lines = [
    '  -c, --config <file>            config file (YAML or JSON; see packages/action/schemas/config.schema.json)',
    ...SETTING_OPTIONS.map((option) => `      --${option.name.padEnd(29)} ${option.description}`),
    '',
    'Credentials (prefer the environment variables; flags show up in process lists):',
    '      --access-token / BBSYNC_ACCESS_TOKEN        access token (Bearer)',
    '      --email + --api-token / BBSYNC_EMAIL + BBSYNC_API_TOKEN   Cloud API token (Basic)',
    '      --username + --password / BBSYNC_USERNAME + BBSYNC_PASSWORD   user + password or personal access token',
    '      --credentials / BBSYNC_CREDENTIALS          several: JSON list, or one `key=value ...` line each',
  ];
  return lines.join('\n');
}
