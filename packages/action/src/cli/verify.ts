/** `bbsync verify`: connection and permission checks per credential and stream, with codes and hints. */
import { Redactor } from '@bbsync/core';
import { createClient, prepareSync } from '../run/sync-job.js';
import { configFlagsHelp, CONFIG_FLAGS, parse } from './args.js';
import { configFromArgs } from './config-from-args.js';
import type { CommandIo } from './io.js';
import { textTable } from './terminal.js';
import { credentialName, curlCommand, wrapText } from './verify-text.js';

/** Hints wrap under their row at this width, so the table stays readable in an 100-column terminal. */
const HINT_WIDTH = 96;

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
  const config = await configFromArgs(parsed, io.env, io.cwd);
  const prepared = prepareSync(config);
  const redactor = new Redactor().addForms(prepared.secrets).addPartials(prepared.partialSecrets);
  const client = createClient(prepared);
  // By default, what a sync would read: every stream but the opt-in ones.
  const streams = config.streams ?? prepared.connector.source.streams.flatMap((definition) => definition.outputs).filter((output) => output.optIn !== true).map((output) => output.name);
  const report = await prepared.connector.verify(prepared.connectorConfig, client, prepared.credentials, streams);
  if (parsed.values.json) {
    io.terminal.out(redactor.redact(JSON.stringify(report, null, 2)));
    return report.ok ? 0 : 1;
  }
  const t = io.terminal;
  const lines: string[] = [];
  const rows = report.checks.map((check) => [
    credentialName(check.credentialIndex, check.credentialLabel),
    check.stream ?? '(identity)',
    check.result === 'ok' ? 'ok' : `${check.result}${check.status === undefined ? '' : ` (${check.status})`}`,
    check.endpoint,
  ]);
  const table = textTable(['credential', 'stream', 'result', 'endpoint'], rows).split('\n');
  lines.push(...table.slice(0, 2));
  report.checks.forEach((check, i) => {
    const row = table[i + 2] as string;
    lines.push(check.result === 'ok' ? row : t.red(row));
    if (check.result === 'ok') return;
    const hint = `${check.hint ?? ''}${check.requires ? ` [needs ${check.requires}]` : ''}`.trim();
    for (const line of wrapText(hint, HINT_WIDTH)) lines.push(`    ${line}`);
    const credential = prepared.credentials[check.credentialIndex];
    const curl = credential && check.endpoint !== '' ? curlCommand(client.baseUrl, check.endpoint, credential.form) : undefined;
    if (curl !== undefined) lines.push(t.dim(`    try: ${curl}`));
  });
  t.out(redactor.redact(lines.join('\n')));
  for (const credential of report.credentials) {
    const repos = credential.repositories === undefined ? '' : `, ${credential.repositories} repositories`;
    t.out(`credential ${credentialName(credential.index, credential.label)}: ${credential.streams.length} streams${repos}`);
    for (const warning of credential.warnings) t.out(t.yellow(`  warning: ${redactor.redact(warning)}`));
  }
  for (const warning of report.warnings) t.out(t.yellow(`warning: ${redactor.redact(warning)}`));
  t.out(report.ok ? t.green('ok: every selected stream can be served') : t.red('not ok: some selected streams cannot be served (see above)'));
  return report.ok ? 0 : 1;
}
