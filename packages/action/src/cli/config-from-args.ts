/** Loads the config of a config-driven command from its flags, the BBSYNC_* variables and the config file. */
import { loadConfig } from '../config/load.js';
import type { SyncConfig } from '../config/validate.js';
import { knownStreams } from '../run/connectors.js';
import { configValues, type Parsed } from './args.js';

export async function configFromArgs(parsed: Parsed, env: Readonly<Record<string, string | undefined>>, cwd?: string): Promise<SyncConfig> {
  return loadConfig({
    file: parsed.values.config as string | undefined,
    cwd,
    values: configValues(parsed.values, env),
    optionName: (name) => (name === 'config-file' ? '--config' : `--${name}`),
    knownStreams: knownStreams(),
    env,
  });
}
