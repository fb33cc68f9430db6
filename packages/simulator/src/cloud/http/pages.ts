/**
 * The two Cloud page styles ("Pagination" in the API intro):
 * - list pages: `size`, `page`, `pagelen`, `next`, `previous` (links look like `?page=4`);
 * - iterator pages: only `pagelen`, `values`, `next`, whose `page` value is an opaque token.
 * `pagelen` defaults to 10; values above an endpoint's maximum answer 400.
 */
import { fail } from './errors.js';
import type { Call } from './call.js';

export interface PagelenRule {
  readonly defaultValue: number;
  readonly max: number;
}

export function readPagelen(call: Call, rule: PagelenRule): number {
  const raw = call.query.get('pagelen');
  if (raw === null || raw === '') return rule.defaultValue;
  if (!/^\d+$/.test(raw)) fail(400, 'Invalid pagelen');
  const value = Number(raw);
  if (value < 1 || value > rule.max) fail(400, 'Invalid pagelen');
  return value;
}

/** Absolute URL of this endpoint with `changes` applied to the query. */
export function linkWith(call: Call, changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams(call.query);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) params.delete(key);
    else params.set(key, value);
  }
  const search = params.toString();
  return maybeForeign(call, `${call.ctx.api}${call.path}${search ? `?${search}` : ''}`);
}

/** The foreign-`next` fault: a link pointing at another origin (a client must not send credentials there). */
function maybeForeign(call: Call, href: string): string {
  const faults = call.state.faults;
  const rate = faults?.foreignNextRate ?? 0;
  if (rate <= 0) return href;
  const dice = call.state.dice();
  const key = `${call.request.method} ${call.request.url.pathname}${call.request.url.search}`;
  if (dice.unit('foreignNext', key, dice.occurrence(`foreign:${key}`)) >= rate) return href;
  const foreign = new URL(faults?.foreignOrigin ?? 'https://attacker.example');
  const url = new URL(href);
  url.protocol = foreign.protocol;
  url.hostname = foreign.hostname;
  url.port = foreign.port;
  return url.toString();
}

/** A list page over `total` items, rendering only the page's rows. */
export function listPage(call: Call, total: number, renderAt: (index: number) => unknown, pagelen: number): Record<string, unknown> {
  const rawPage = call.query.get('page');
  let page = 1;
  if (rawPage !== null) {
    if (!/^\d+$/.test(rawPage) || Number(rawPage) < 1) fail(400, 'Invalid page');
    page = Number(rawPage);
  }
  // BCLOUD-23644: a page may repeat the previous page's last row.
  const repeat = call.state.switches.repeatRowAcrossPages && page > 1 ? 1 : 0;
  const start = Math.max(0, (page - 1) * pagelen - repeat);
  const end = Math.min(total, start + pagelen);
  const values: unknown[] = [];
  for (let i = start; i < end; i++) values.push(renderAt(i));
  const body: Record<string, unknown> = { pagelen, size: total, values, page };
  if (end < total) body['next'] = linkWith(call, { page: String(page + 1) });
  if (page > 1) body['previous'] = linkWith(call, { page: String(page - 1) });
  return body;
}

/**
 * An iterator page: `items` are positions, `tokenOf(position)` makes the opaque token that resumes at a
 * position, `fromToken` the reverse (undefined = invalid token, 400 "Invalid page").
 */
export function cursorPage<T>(
  call: Call,
  listing: string,
  items: readonly T[],
  startIndex: (decoded: number[] | undefined) => number,
  tokenFor: (item: T) => number[],
  tokenWidth: number,
  renderItem: (item: T) => unknown,
  pagelen: number,
  tokenParam = 'page',
): Record<string, unknown> {
  const token = call.query.get(tokenParam);
  let start = 0;
  if (token !== null) {
    const decoded = call.state.tokens.decode(listing, token, tokenWidth);
    if (!decoded) fail(400, 'Invalid page');
    start = startIndex(decoded);
  }
  const slice = items.slice(start, start + pagelen);
  const body: Record<string, unknown> = { values: slice.map(renderItem), pagelen };
  const nextItem = items[start + pagelen];
  if (nextItem !== undefined) body['next'] = linkWith(call, { [tokenParam]: call.state.tokens.encode(listing, tokenFor(nextItem)) });
  return body;
}
