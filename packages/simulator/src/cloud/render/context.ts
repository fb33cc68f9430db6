/** What every renderer needs: the dataset and the absolute base URL the request came in on. */
import type { CloudData } from '../model/store.js';

export interface RenderContext {
  readonly data: CloudData;
  /** e.g. `http://127.0.0.1:5555/2.0` (links are absolute, like the real API's). */
  readonly api: string;
  /** The activity key of change requests (switch `cloudChangesRequestKey`). @default 'changes_request' */
  readonly changesRequestKey?: 'changes_request' | 'changes_requested';
}

/** Web UI origin used in `links.html` (never followed by API clients). */
export const WEB = 'https://bitbucket.org';
export const AVATARS = 'https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net';

/** `{ href }` link objects are sent without `type` (unlike the spec's allOf base). */
export function link(href: string): { href: string } {
  return { href };
}

/** `2019-09-27T00:33:46.039178+00:00`: pull requests, comments, repositories (microsecond precision). */
export function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = String(Math.floor(us) % 1_000_000).padStart(6, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${micros}+00:00`;
}

/** `2021-03-10T15:32:55+00:00`: commit dates (second precision). */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

/** `2022-09-06T15:10:22.541Z`: pipelines. */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** Braces URL-encoded, as the real links do (`%7B...%7D`). */
export function encodeUuid(uuid: string): string {
  return encodeURIComponent(uuid);
}

/** Minimal markdown-to-HTML for rendered content objects. */
export function rendered(raw: string): { type: 'rendered'; raw: string; markup: 'markdown'; html: string } {
  const html = raw === '' ? '' : raw.split(/\n{2,}/).map((para) => `<p>${escapeHtml(para).replace(/\n/g, '<br />')}</p>`).join('\n');
  return { type: 'rendered', raw, markup: 'markdown', html };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
