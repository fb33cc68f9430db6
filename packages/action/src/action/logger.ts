/** A core Logger that writes to the Actions log, redacted (the runner masks too; local runs rely on this). */
import * as core from '@actions/core';
import type { LogFields, Logger } from '@bbsync/core';

function line(message: string, fields: LogFields | undefined): string {
  if (!fields || Object.keys(fields).length === 0) return message;
  const parts = Object.entries(fields).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return `${message} ${parts.join(' ')}`;
}

/** Logs through `@actions/core`, redacting every line with `redact`. */
export function actionLogger(redact: (text: string) => string): Logger {
  return {
    debug: (message, fields) => core.debug(redact(line(message, fields))),
    info: (message, fields) => core.info(redact(line(message, fields))),
    warn: (message, fields) => core.warning(redact(line(message, fields))),
    error: (message, fields) => core.error(redact(line(message, fields))),
  };
}
