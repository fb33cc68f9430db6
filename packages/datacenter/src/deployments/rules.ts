/**
 * Deployment rules (Data Center has no pipelines, so every deployment record here is an inference): a tag whose
 * name matches a glob (`v*`, `release-*`) is a deployment of its commit when the tag appeared; a merge commit
 * on a release branch (a branch name, e.g. `production`) is a deployment of that commit. Rules are tried in
 * order; the first that matches a tag decides.
 */
import { configError, environmentTypeOf, globToRegExp, type EnvironmentType } from '@bbsync/core';

export interface DataCenterDeploymentRule {
  /** Written into each record's `rule`. Letters, digits, `-`, `_`. */
  readonly name: string;
  /** Glob on tag names. */
  readonly tag?: string | undefined;
  /** A branch name (no wildcards): each merge commit on it is one deployment. */
  readonly releaseBranch?: string | undefined;
  readonly environment: string;
  /** @default guessed from the environment's name (prod → Production, staging → Staging, test/dev/qa → Test) */
  readonly environmentType?: EnvironmentType | undefined;
}

/** Default: release tags (`v1.2.3`, `release-2024.03`) deploy to production. */
export const DEFAULT_DATA_CENTER_RULES: readonly DataCenterDeploymentRule[] = Object.freeze([
  { name: 'release-tag', tag: '{v,release-}*', environment: 'production', environmentType: 'Production' },
]);

const RULE_FIELDS = ['name', 'tag', 'releaseBranch', 'environment', 'environmentType'];
const TYPES: readonly EnvironmentType[] = ['Test', 'Staging', 'Production'];

/** Validates `deployments` (`{ rules: [...] }`); errors name the field (`datacenter.deployments.rules[0].tag`). */
export function parseDataCenterDeployments(value: unknown, field: string): readonly DataCenterDeploymentRule[] {
  if (value === undefined) return DEFAULT_DATA_CENTER_RULES;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw configError(field, 'must be an object', '{ rules: [{ name, tag? | releaseBranch?, environment, environmentType? }] }');
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) if (key !== 'rules') throw configError(`${field}.${key}`, 'is not a deployments setting', 'rules');
  if (input.rules === undefined) return DEFAULT_DATA_CENTER_RULES;
  if (!Array.isArray(input.rules)) throw configError(`${field}.rules`, 'must be a list of rules', '[{ name, tag? | releaseBranch?, environment, environmentType? }]');
  const names = new Set<string>();
  return input.rules.map((raw, index) => {
    const at = `${field}.rules[${index}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw configError(at, 'must be an object', '{ name, tag? | releaseBranch?, environment }');
    const rule = raw as Record<string, unknown>;
    for (const key of Object.keys(rule)) if (!RULE_FIELDS.includes(key)) throw configError(`${at}.${key}`, 'is not a rule field', RULE_FIELDS.join(', '));
    const text = (key: string, required: boolean, allowed: string): string | undefined => {
      const v = rule[key];
      if (v === undefined && !required) return undefined;
      if (typeof v !== 'string' || v.trim() === '') throw configError(`${at}.${key}`, required ? 'is required and must be a non-empty string' : 'must be a non-empty string', allowed);
      return v;
    };
    const name = text('name', true, 'e.g. "release-tag"') as string;
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw configError(`${at}.name`, 'must be letters, digits, "-" or "_"', 'e.g. "release-tag"');
    if (names.has(name)) throw configError(`${at}.name`, 'must be unique', 'a name no other rule has');
    names.add(name);
    const tag = text('tag', false, 'a glob such as "v*"');
    const releaseBranch = text('releaseBranch', false, 'a branch name such as "production"');
    if ((tag === undefined) === (releaseBranch === undefined)) throw configError(`${at}.tag`, 'exactly one of tag and releaseBranch is required', 'tag: a glob on tag names, or releaseBranch: a branch name');
    if (releaseBranch !== undefined && /[*?[{]/.test(releaseBranch)) throw configError(`${at}.releaseBranch`, 'must be a branch name, not a pattern', 'e.g. "production" or "release"');
    const environmentType = rule.environmentType;
    if (environmentType !== undefined && !TYPES.includes(environmentType as EnvironmentType)) throw configError(`${at}.environmentType`, 'must be an environment type', TYPES.join(', '));
    return { name, tag, releaseBranch: releaseBranch?.replace(/^refs\/heads\//, ''), environment: text('environment', true, 'e.g. "production"') as string, environmentType: environmentType as EnvironmentType | undefined };
  });
}

/** A rule's environment type: configured, else guessed from the environment's name. */
export function environmentTypeFor(rule: DataCenterDeploymentRule): EnvironmentType | null {
  return rule.environmentType ?? environmentTypeOf(rule.environment);
}

/** The first tag rule matching a tag name, or undefined. */
export function tagRuleMatcher(rules: readonly DataCenterDeploymentRule[]): (tag: string) => DataCenterDeploymentRule | undefined {
  const compiled = rules.filter((rule) => rule.tag !== undefined).map((rule) => ({ rule, pattern: globToRegExp(rule.tag as string) }));
  return (tag) => compiled.find(({ pattern }) => pattern.test(tag))?.rule;
}
