/**
 * The forms a secret can leak in, computed here independently of core's redactor (so that one mistake cannot
 * hide in both), plus core's own `secretForms`: the secret, its URL encodings, its base64 and base64url, its hex,
 * the base64 of `user:secret`, the Authorization header, and the base64 characters that encode only the secret
 * when it sits at byte offset 0, 1 or 2 of a longer base64-encoded text; and any 16 characters in a row of
 * each encoding of the secret alone (a secret cut short by a truncation is still a leak).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listFiles } from './files.js';
import { expandLayers, type Layer } from './layers.js';

/** Any run of this many characters of a secret (or of an encoding of it) counts as a leak: a secret cut short is still a secret. */
export const PARTIAL_LEAK_LENGTH = 16;

/** The base64 characters that depend only on the secret's bytes when it starts at `offset` (mod 3). */
function base64Inner(secret: string, offset: 0 | 1 | 2): string {
  const bytes = Buffer.from(secret, 'utf8');
  const encoded = Buffer.concat([Buffer.alloc(offset, 0x41), bytes, Buffer.alloc(3, 0x41)]).toString('base64');
  const first = Math.ceil((offset * 8) / 6);
  const end = Math.floor(((offset + bytes.length) * 8) / 6);
  return encoded.slice(first, end);
}

/** base64url: the URL-safe alphabet (`-_` for `+/`), no padding. */
function base64Url(base64: string): string {
  return base64.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * The encodings made of the secret's bytes alone: the secret, its URL encodings, its JSON-escaped form, its base64 and base64url (whole,
 * and the inner characters at byte offsets 0, 1 and 2 of a longer text), and its hex in both cases. Every run of
 * {@link PARTIAL_LEAK_LENGTH} characters of these is a leak too. (Forms with the username in them are searched
 * whole only: a run of the username alone is not a secret; their secret part is covered by the inner base64.)
 */
function secretOnlyForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = [bytes.toString('base64'), base64Inner(secret, 0), base64Inner(secret, 1), base64Inner(secret, 2)];
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    ...base64,
    ...base64.map(base64Url),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/** Every run of {@link PARTIAL_LEAK_LENGTH} characters of `form` (nothing when it is shorter). */
function runsOf(form: string): string[] {
  return Array.from({ length: Math.max(0, form.length - PARTIAL_LEAK_LENGTH + 1) }, (_, i) => form.slice(i, i + PARTIAL_LEAK_LENGTH));
}

/**
 * Every form of `secret` (and of `username:secret` for Basic credentials) that must never appear, whole, plus every
 * run of {@link PARTIAL_LEAK_LENGTH} characters of each encoding of the secret alone.
 */
export function leakForms(secret: string, username?: string, coreForms: readonly string[] = []): string[] {
  const own = secretOnlyForms(secret);
  const forms = new Set<string>([...own, ...own.flatMap(runsOf), ...coreForms]);
  if (username !== undefined) {
    const pair = Buffer.from(`${username}:${secret}`).toString('base64');
    forms.add(pair);
    forms.add(base64Url(pair));
    forms.add(encodeURIComponent(`${username}:${secret}`));
    forms.add(`${username}:${secret}`);
  }
  // Very short derived forms would match ordinary text; the secrets used here are long and distinctive.
  return [...forms].filter((form) => form.length >= 8);
}

export interface Finding {
  readonly where: string;
  readonly form: string;
}

/**
 * Searches every layer of every named text or buffer for every form. The many runs of {@link PARTIAL_LEAK_LENGTH}
 * characters are looked up in a set at every position of a text (one pass), the other forms with `includes`.
 */
export function findLeaks(sources: ReadonlyMap<string, string | Buffer>, forms: readonly string[]): Finding[] {
  const runs = new Set(forms.filter((form) => form.length === PARTIAL_LEAK_LENGTH));
  const others = forms.filter((form) => form.length !== PARTIAL_LEAK_LENGTH);
  const findings: Finding[] = [];
  for (const [name, content] of sources) {
    const layers: Layer[] = typeof content === 'string' ? [{ name, text: content }] : expandLayers(name, content);
    for (const layer of layers) {
      for (const form of others) if (layer.text.includes(form)) findings.push({ where: layer.name, form: abbreviated(form) });
      const found = new Set<string>();
      for (let i = 0; i + PARTIAL_LEAK_LENGTH <= layer.text.length; i++) {
        const run = layer.text.slice(i, i + PARTIAL_LEAK_LENGTH);
        if (runs.has(run)) found.add(run);
      }
      for (const run of found) findings.push({ where: layer.name, form: abbreviated(run) });
    }
  }
  return findings;
}

/** Enough of a form to tell which it is, not enough to be one. */
function abbreviated(form: string): string {
  return `${form.slice(0, 4)}…(${form.length} chars)`;
}

/** Every file below `root`, by relative path (for {@link findLeaks}). */
export async function filesUnder(root: string, prefix = ''): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const file of await listFiles(root).catch(() => [])) out.set(`${prefix}${file}`, await readFile(join(root, file)));
  return out;
}
