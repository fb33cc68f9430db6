/**
 * Deployment inference rules (Cloud): where a repository's Deployments API has no records, a pipeline counts
 * as a deployment when a rule matches it. A rule names the branch (glob; `$default` = the repository's main
 * branch) and either a custom pipeline (`target.selector` of type `custom`, matched on its name), or a step
 * name (read from `…/pipelines/{uuid}/steps`, only for pipelines on a matching branch), or neither (every
 * pipeline on the branch). Rules are tried in order; the first that matches a pipeline decides.
 */
import { booleanField, configError, environmentTypeOf, globToRegExp, type EnvironmentType } from '@bbsync/core';

export interface DeploymentRule {
  /** Written into each record's `rule`. Letters, digits, `-`, `_`. */
  readonly name: string;
  /** Glob on the pipeline's branch; `$default` is the repository's main branch. @default '**' (any) */
  readonly branch: string;
  /** Glob on a custom pipeline's name (`pipelines: custom: deploy-prod:`). */
  readonly customPipeline?: string | undefined;
  /** Glob on step names (case-insensitive): each matching step that ran is one deployment. */
  readonly step?: string | undefined;
  /** The environment; `{match}` is the matched name without the pattern's literal prefix (`deploy-prod` → `prod`). */
  readonly environment: string;
  /** @default guessed from the environment's name (prod → Production, staging → Staging, test/dev/qa → Test) */
  readonly environmentType?: EnvironmentType | undefined;
  /** Only successful pipelines are deployments (failed ones were never deployed). @default false */
  readonly onlySuccessful: boolean;
}

export interface DeploymentSettings {
  /** The rules, in order. @default DEFAULT_DEPLOYMENT_RULES */
  readonly rules: readonly DeploymentRule[];
  /**
   * Opt-in: every successful default-branch pipeline (not matched by an earlier rule) is a production deployment,
   * for teams that deploy on each merge. Appends the rule `default-branch-success`. @default false
   */
  readonly everyDefaultBranchPipeline: boolean;
}

/** Defaults for common `bitbucket-pipelines.yml` layouts. */
export const DEFAULT_DEPLOYMENT_RULES: readonly DeploymentRule[] = Object.freeze([
  { name: 'custom-deploy', branch: '**', customPipeline: 'deploy-*', environment: '{match}', onlySuccessful: false },
  { name: 'deploy-step', branch: '$default', step: '{deploy,release}*', environment: 'production', environmentType: 'Production', onlySuccessful: false },
]);

/** The opt-in rule. */
export const EVERY_DEFAULT_BRANCH_PIPELINE: DeploymentRule = Object.freeze({
  name: 'default-branch-success',
  branch: '$default',
  environment: 'production',
  environmentType: 'Production',
  onlySuccessful: true,
});

export const DEFAULT_DEPLOYMENT_SETTINGS: DeploymentSettings = Object.freeze({ rules: DEFAULT_DEPLOYMENT_RULES, everyDefaultBranchPipeline: false });

const RULE_FIELDS = ['name', 'branch', 'customPipeline', 'step', 'environment', 'environmentType', 'onlySuccessful'];
const TYPES: readonly EnvironmentType[] = ['Test', 'Staging', 'Production'];

/** Validates `deployments` settings; errors name the field (`cloud.deployments.rules[1].step`) and what is allowed. */
export function parseDeploymentSettings(value: unknown, field: string): DeploymentSettings {
  if (value === undefined) return DEFAULT_DEPLOYMENT_SETTINGS;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw configError(field, 'must be an object', '{ rules?: [...], everyDefaultBranchPipeline?: boolean }');
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (key !== 'rules' && key !== 'everyDefaultBranchPipeline') throw configError(`${field}.${key}`, 'is not a deployments setting', 'rules, everyDefaultBranchPipeline');
  }
  const everyDefaultBranchPipeline = booleanField(input.everyDefaultBranchPipeline, `${field}.everyDefaultBranchPipeline`, false);
  if (input.rules === undefined) return { rules: DEFAULT_DEPLOYMENT_RULES, everyDefaultBranchPipeline };
  if (!Array.isArray(input.rules)) throw configError(`${field}.rules`, 'must be a list of rules', '[{ name, branch?, customPipeline? | step?, environment, environmentType?, onlySuccessful? }]');
  const names = new Set<string>();
  const rules = input.rules.map((raw, index) => {
    const rule = parseRule(raw, `${field}.rules[${index}]`);
    if (names.has(rule.name) || rule.name === EVERY_DEFAULT_BRANCH_PIPELINE.name) throw configError(`${field}.rules[${index}].name`, 'must be unique', 'a name no other rule has');
    names.add(rule.name);
    return rule;
  });
  return { rules, everyDefaultBranchPipeline };
}

function parseRule(raw: unknown, field: string): DeploymentRule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw configError(field, 'must be an object', '{ name, branch?, customPipeline? | step?, environment }');
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) if (!RULE_FIELDS.includes(key)) throw configError(`${field}.${key}`, 'is not a rule field', RULE_FIELDS.join(', '));
  const text = (key: string, required: boolean): string | undefined => {
    const v = input[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.trim() === '') throw configError(`${field}.${key}`, required ? 'is required and must be a non-empty string' : 'must be a non-empty string', key === 'name' ? 'e.g. "deploy-step"' : 'a glob such as "deploy-*"');
    return v;
  };
  const name = text('name', true) as string;
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw configError(`${field}.name`, 'must be letters, digits, "-" or "_"', 'e.g. "deploy-step"');
  const customPipeline = text('customPipeline', false);
  const step = text('step', false);
  if (customPipeline !== undefined && step !== undefined) throw configError(`${field}.step`, 'cannot be combined with customPipeline', 'one of customPipeline, step (or neither: every pipeline on the branch)');
  const environmentType = input.environmentType;
  if (environmentType !== undefined && !TYPES.includes(environmentType as EnvironmentType)) throw configError(`${field}.environmentType`, 'must be an environment type', TYPES.join(', '));
  return {
    name,
    branch: text('branch', false) ?? '**',
    customPipeline,
    step,
    environment: text('environment', true) as string,
    environmentType: environmentType as EnvironmentType | undefined,
    onlySuccessful: booleanField(input.onlySuccessful, `${field}.onlySuccessful`, false),
  };
}

/** The rules in effect: the configured ones, then the opt-in rule when enabled. */
export function effectiveRules(settings: DeploymentSettings): readonly DeploymentRule[] {
  return settings.everyDefaultBranchPipeline ? [...settings.rules, EVERY_DEFAULT_BRANCH_PIPELINE] : settings.rules;
}

/** A compiled rule: matchers for branch, custom pipeline and step names. */
export interface CompiledRule {
  readonly rule: DeploymentRule;
  branchMatches(branch: string | undefined, mainBranch: string | null | undefined): boolean;
  /** The custom pipeline's match, or undefined. */
  customMatch(name: string): string | undefined;
  stepMatches(name: string): boolean;
  /** The environment for a matched name, and its type. */
  environmentOf(matched: string): { environment: string; environmentType: EnvironmentType | null };
}

export function compileRules(rules: readonly DeploymentRule[]): CompiledRule[] {
  return rules.map((rule) => {
    const branch = rule.branch === '$default' ? undefined : globToRegExp(rule.branch);
    const custom = rule.customPipeline === undefined ? undefined : globToRegExp(rule.customPipeline);
    const step = rule.step === undefined ? undefined : globToRegExp(rule.step);
    const prefix = literalPrefix(rule.customPipeline ?? rule.step ?? '');
    return {
      rule,
      branchMatches: (name, mainBranch) => {
        if (name === undefined) return false;
        if (branch === undefined) return mainBranch !== undefined && mainBranch !== null && name === mainBranch;
        return branch.test(name);
      },
      customMatch: (name) => (custom !== undefined && custom.test(name) ? name : undefined),
      stepMatches: (name) => step !== undefined && step.test(name),
      environmentOf: (matched) => {
        const rest = matched.toLowerCase().startsWith(prefix.toLowerCase()) ? matched.slice(prefix.length) : matched;
        const environment = rule.environment.replaceAll('{match}', rest === '' ? matched : rest);
        return { environment, environmentType: rule.environmentType ?? environmentTypeOf(environment) };
      },
    };
  });
}

/** The text before a glob's first special character. */
function literalPrefix(pattern: string): string {
  const special = pattern.search(/[*?[{\\]/);
  return special < 0 ? pattern : pattern.slice(0, special);
}
