import { createHash } from 'node:crypto';

/**
 * A short digest of a record as received, to tell "unchanged since last run" without storing the record:
 * listings that are read in full every run (repositories, members) only write the rows that changed.
 */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 16);
}
