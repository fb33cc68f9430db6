/** `bbsync verify`: connection and permission checks per credential and stream, with codes and hints. */
import { Redactor } from '@bbsync/core';
import { createClient, prepareSync } from '../run/sync-job.js';
import { configFlagsHelp, CONFIG_FLAGS, parse } from './args.js';
import { configFromArgs } from './config-from-args.js';
import type { CommandIo } from './io.js';
import { textTable } from './terminal.js';

export const VERIFY_HELP = `Usage: bbsync verify [options]

Checks that every credential authenticates and that each selected stream can be served by at least one
credential, sending a few requests. Prints each check with its result code and a hint.

Options:
${configFlagsHelp()}
      --json                         print the report as JSON
  -h, --help                         this help

Exit codes: 0 every selected stream is served, 1 not, 2 bad input.`;

export async function verifyCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parse(args, { ...CONFIG_FLAGS, json: { type: 'boolean' } });
  if (parsed.values.help) {
    io.terminal.out(VERIFY_HELP);
    return 0;
  }
  const config = await configFromArgs(parsed, io.env);
  const prepared = prepareSync(config);
  const redactor = new Redactor().addForms(prepared.secrets);
  const client = createClient(prepared);
  // By default, what a sync would read: every stream but the opt-in ones.
  const streams = config.streams ?? prepared.connector.source.streams.flatMap((definition) => definition.outputs).filter((output) => output.optIn !== true).map((output) => output.name);
  const report = await prepared.connector.verify(prepared.connectorConfig, client, prepared.credentials, streams);
  if (parsed.values.json) {
    io.terminal.out(redactor.redact(JSON.stringify(report, null, 2)));
    return report.ok ? 0 : 1;
  }
  const t = io.terminal;
  t.out(
    redactor.redact(
      textTable(
        ['credential', 'stream', 'result', 'endpoint', 'hint'],
        report.checks.map((check) => [
          `#${check.credentialIndex} ${check.credentialLabel}`,
          check.stream ?? '(identity)',
          check.result === 'ok' ? t.green('ok') : t.red(`${check.result}${check.status === undefined ? '' : ` (${check.status})`}`),
          check.endpoint,
          check.result === 'ok' ? '' : `${check.hint ?? ''}${check.requires ? ` [needs ${check.requires}]` : ''}`,
        ]),
      ),
    ),
  );
  for (const credential of report.credentials) {
    const repos = credential.repositories === undefined ? '' : `, ${credential.repositories} repositories`;
    t.out(`credential #${credential.index} ${credential.label}: ${credential.streams.length} streams${repos}`);
    for (const warning of credential.warnings) t.out(t.yellow(`  warning: ${redactor.redact(warning)}`));
  }
  for (const warning of report.warnings) t.out(t.yellow(`warning: ${redactor.redact(warning)}`));
  t.out(report.ok ? t.green('ok: every selected stream can be served') : t.red('not ok: some selected streams cannot be served (see above)'));
  return report.ok ? 0 : 1;
}
