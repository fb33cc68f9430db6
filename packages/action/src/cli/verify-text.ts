/** Text helpers of `bbsync verify`: wrapped hints and the `curl` command that repeats a failed check by hand. */
import type { Credential } from '@bbsync/core';

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((part) => part !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * The `curl` command that sends the request a check sent (`endpoint` is "METHOD path?query", relative to the
 * API base), so a user can see the server's own answer. The credential is a shell variable, never its value:
 * `$BITBUCKET_TOKEN` for a Bearer token, `$BITBUCKET_USER:$BITBUCKET_SECRET` for Basic credentials.
 */
export function curlCommand(baseUrl: URL, endpoint: string, form: Credential['form']): string | undefined {
  const match = /^(GET|HEAD|POST|PUT|DELETE) (\S+)$/.exec(endpoint.trim());
  if (!match) return undefined;
  const [, method, path] = match as unknown as [string, string, string];
  const base = baseUrl.href.replace(/\/+$/, '');
  const url = /^https?:\/\//.test(path) ? path : `${base}/${path.replace(/^\/+/, '')}`;
  const auth = form === 'access_token' ? `-H "Authorization: Bearer $BITBUCKET_TOKEN"` : form === 'api_token' ? `-u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN"` : `-u "$BITBUCKET_USER:$BITBUCKET_PASSWORD"`;
  return `curl -sS -i${method === 'GET' ? '' : ` -X ${method}`} ${auth} '${url.replace(/'/g, `'\\''`)}'`;
}

/** `#1 ci` for a labelled credential, `#0` for one whose label is only the default `credential #0`. */
export function credentialName(index: number, label: string): string {
  return label === `credential #${index}` ? `#${index}` : `#${index} ${label}`;
}
