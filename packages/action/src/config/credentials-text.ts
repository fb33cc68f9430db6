/**
 * Parses the `credentials` input / `BBSYNC_CREDENTIALS` variable: JSON (a list of credential objects, or one
 * object), or one credential per line as `key=value` words separated by spaces, or a bare token (an access
 * token). Values are never echoed in messages: a parse error names the line, not its content.
 *
 *   access-token=ATCTT3x... label=ci streams=repositories,pull_requests
 *   email=me@example.com api-token=ATATT3x...
 *   username=svc password=... repositories=PROJ/*
 */
import type { ConfigProblem } from './issues.js';
import type { CredentialInput } from './schema.js';

const KEYS: Readonly<Record<string, keyof CredentialInput>> = {
  'access-token': 'accessToken',
  accesstoken: 'accessToken',
  email: 'email',
  'api-token': 'apiToken',
  apitoken: 'apiToken',
  username: 'username',
  user: 'username',
  password: 'password',
  label: 'label',
  streams: 'streams',
  repositories: 'repositories',
  'requests-per-hour': 'requestsPerHour',
  requestsperhour: 'requestsPerHour',
};
const KEY_PATTERN = new RegExp(`^(${Object.keys(KEYS).join('|')})=`, 'i');
/** The keys as the messages list them. */
const ALLOWED_KEYS = `${Object.keys(KEYS).filter((k) => k.includes('-') || !/[A-Z]/.test(k)).join('=, ')}=`;
/**
 * A word that looks like `key=value` with a key made of letters, `-` and `_` only (`accesToken=...`). Tokens hold
 * `=` too (base64 padding, `ATCTT3x...=1A2B`), but their part before it is long and has digits; a short
 * letters-only part is a key someone typed, and a mistyped key must not be sent as a Bearer token.
 */
const KEY_LIKE = /^([A-Za-z][A-Za-z_-]{1,29})=/;

/** Every secret-looking fragment of the text, for masking before anything is parsed or printed. */
export function secretFragments(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    out.add(trimmed);
    for (const word of trimmed.split(/\s+/)) {
      const eq = KEY_PATTERN.exec(word);
      out.add(eq ? word.slice(eq[0].length) : word);
    }
  }
  // JSON string values: mask each one (cheap, and covers secrets inside a JSON document).
  for (const match of text.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    const value = match[1];
    if (value !== undefined && value.length >= 4) out.add(value);
  }
  return [...out].filter((fragment) => fragment.length >= 4);
}

/** Parses the text into credential inputs; problems name `field` and the line number. */
export function parseCredentialsText(text: string, field: string, problems: ConfigProblem[]): CredentialInput[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      // JSON.parse messages quote the input: never show them.
      problems.push({ field, problem: 'is not valid JSON', allowed: 'a JSON list of credential objects, or one credential per line' });
      return [];
    }
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list as CredentialInput[];
  }
  const credentials: CredentialInput[] = [];
  text.split(/\r?\n/).forEach((line, lineIndex) => {
    const words = line.trim().split(/\s+/).filter((word) => word !== '');
    if (words.length === 0 || words[0]?.startsWith('#')) return;
    const credential: Record<string, unknown> = {};
    words.forEach((word, wordIndex) => {
      const match = KEY_PATTERN.exec(word);
      if (!match) {
        const where = `${field} (line ${lineIndex + 1}, word ${wordIndex + 1})`;
        const unknownKey = KEY_LIKE.exec(word)?.[1];
        // Only the key is named, never the value after `=`.
        if (unknownKey !== undefined) problems.push({ field: where, problem: `has the unknown key ${JSON.stringify(unknownKey)}`, allowed: ALLOWED_KEYS });
        else if (words.length === 1) credential.accessToken = word;
        else problems.push({ field: where, problem: 'is not key=value', allowed: ALLOWED_KEYS });
        return;
      }
      const key = KEYS[(match[1] as string).toLowerCase()] as keyof CredentialInput;
      const value = word.slice(match[0].length);
      if (key === 'streams' || key === 'repositories') credential[key] = value.split(',').filter((item) => item !== '');
      else if (key === 'requestsPerHour') credential[key] = /^\d+$/.test(value) ? Number(value) : value;
      else credential[key] = value;
    });
    credentials.push(credential as CredentialInput);
  });
  return credentials;
}
