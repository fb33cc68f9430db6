/**
 * Guards Bitbucket Cloud's `fields=` partial responses against dropping the pagination link.
 *
 * Cloud has three `fields` modes: remove (`-links`), add (`+values.reviewers`) and whitelist
 * (`values.id,values.state`). "The pagination keys must be whitelisted too if you whitelist"
 * (Cloud REST narrative, "Partial responses"): a whitelist without `next` makes every page look like the
 * last one, so a listing would silently end after page 1 and records would be lost without an error.
 */
import { BbsyncError } from '../errors.js';
import type { QueryValue } from '../http/types.js';

/**
 * Throws a `config_error` (nothing is sent) when `fields` would drop `next` from the page envelope:
 * a whitelist (any entry without a `+`/`-` prefix) that names neither `next` nor `*`, or a `-next` removal.
 */
export function refuseFieldsWithoutNext(fields: QueryValue): void {
  if (fields === undefined) return;
  const entries = (Array.isArray(fields) ? fields : [fields])
    .flatMap((value) => String(value).split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const removesNext = entries.includes('-next');
  const whitelists = entries.some((entry) => !entry.startsWith('+') && !entry.startsWith('-'));
  const keepsNext = entries.some((entry) => entry === 'next' || entry === '+next' || entry === '*');
  if (!removesNext && (!whitelists || keepsNext)) return;
  const shown = entries.join(',');
  throw new BbsyncError(
    'config_error',
    removesNext
      ? `fields=${shown} removes "next": a paginated listing would silently end after its first page`
      : `fields=${shown} whitelists fields without "next": a paginated listing would silently end after its first page ` +
          '(Bitbucket Cloud: "The pagination keys must be whitelisted too")',
    {
      field: 'query.fields',
      hint: 'Add "next" to the fields whitelist (and "pagelen", "size", "page" if they are read), or use +/- fields instead.',
    },
  );
}
