/**
 * The forms a secret can leak in, computed here independently of core's redactor (so that one mistake cannot
 * hide in both), plus core's own `secretForms`: the secret, its URL encodings, its base64, the base64 of
 * `user:secret`, the Authorization header, and the base64 characters that encode only the secret when it sits at
 * byte offset 0, 1 or 2 of a longer base64-encoded text.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listFiles } from './files.js';
import { expandLayers, type Layer } from './layers.js';

/** The base64 characters that depend only on the secret's bytes when it starts at `offset` (mod 3). */
function base64Inner(secret: string, offset: 0 | 1 | 2): string {
  const bytes = Buffer.from(secret, 'utf8');
  const encoded = Buffer.concat([Buffer.alloc(offset, 0x41), bytes, Buffer.alloc(3, 0x41)]).toString('base64');
  const first = Math.ceil((offset * 8) / 6);
  const end = Math.floor(((offset + bytes.length) * 8) / 6);
  return encoded.slice(first, end);
}

/** Every form of `secret` (and of `username:secret` for Basic credentials) that must never appear. */
export function leakForms(secret: string, username?: string, coreForms: readonly string[] = []): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), base64Inner(secret, 0), base64Inner(secret, 1), base64Inner(secret, 2), ...coreForms]);
  if (username !== undefined) {
    const pair = Buffer.from(`${username}:${secret}`).toString('base64');
    forms.add(pair);
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

/** Searches every layer of every named text or buffer for every form. */
export function findLeaks(sources: ReadonlyMap<string, string | Buffer>, forms: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  for (const [name, content] of sources) {
    const layers: Layer[] = typeof content === 'string' ? [{ name, text: content }] : expandLayers(name, content);
    for (const layer of layers) for (const form of forms) if (layer.text.includes(form)) findings.push({ where: layer.name, form: `${form.slice(0, 4)}…(${form.length} chars)` });
  }
  return findings;
}

/** Every file below `root`, by relative path (for {@link findLeaks}). */
export async function filesUnder(root: string, prefix = ''): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const file of await listFiles(root).catch(() => [])) out.set(`${prefix}${file}`, await readFile(join(root, file)));
  return out;
}
