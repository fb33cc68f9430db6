/**
 * Action inputs: read once, credentials masked before anything else happens (a masked value is hidden in
 * every later log line of the job, including error messages of other steps).
 */
import * as core from '@actions/core';
import { secretForms } from '@bbsync/core';
import { secretFragments } from '../config/credentials-text.js';
import { CREDENTIAL_OPTIONS, SETTING_OPTIONS } from '../config/options.js';

/** Inputs that are read but are not config settings. */
export const OTHER_INPUTS = ['config-file', 'github-token'] as const;

/** Every input by name (empty string when not given). */
export function readInputs(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of [...SETTING_OPTIONS.map((option) => option.name), ...CREDENTIAL_OPTIONS, ...OTHER_INPUTS]) {
    values[name] = core.getInput(name);
  }
  return values;
}

/**
 * Masks every credential input and every derived form (base64 of `user:secret`, the Basic header, URL
 * encodings) before anything is printed. Call first.
 */
export function maskCredentialInputs(values: Readonly<Record<string, string>>): void {
  const masked = new Set<string>();
  const mask = (value: string | undefined, username?: string) => {
    if (value === undefined || value.trim() === '') return;
    for (const form of secretForms(value.trim(), username)) {
      if (!masked.has(form)) {
        masked.add(form);
        core.setSecret(form);
      }
    }
  };
  for (const fragment of secretFragments(values.credentials ?? '')) mask(fragment);
  mask(values['access-token']);
  mask(values['api-token'], values.email?.trim() || undefined);
  mask(values.password, values.username?.trim() || undefined);
  mask(values['github-token']);
}

/** Masks exact strings (e.g. every form of a parsed credential). */
export function maskAll(secrets: Iterable<string>): void {
  for (const secret of new Set(secrets)) if (secret.length > 0) core.setSecret(secret);
}
