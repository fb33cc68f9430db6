import { environmentTypeOf } from '@bbsync/core';
import { describe, expect, it } from 'vitest';
import { compileRules, DEFAULT_DEPLOYMENT_RULES, effectiveRules, parseDeploymentSettings } from './rules.js';

describe('deployment rules', () => {
  const [custom, step] = compileRules(DEFAULT_DEPLOYMENT_RULES) as [ReturnType<typeof compileRules>[number], ReturnType<typeof compileRules>[number]];

  it('custom-deploy matches deploy-* custom pipelines on any branch; {match} is the rest of the name', () => {
    expect(custom.branchMatches('feature/x', 'main')).toBe(true);
    expect(custom.customMatch('deploy-prod')).toBe('deploy-prod');
    expect(custom.customMatch('build-all')).toBeUndefined();
    expect(custom.environmentOf('deploy-prod')).toEqual({ environment: 'prod', environmentType: 'Production' });
    expect(custom.environmentOf('deploy-staging')).toEqual({ environment: 'staging', environmentType: 'Staging' });
    expect(custom.environmentOf('deploy-eu-west')).toEqual({ environment: 'eu-west', environmentType: null });
  });

  it('deploy-step matches deploy*/release* steps, case-insensitively, on the default branch only', () => {
    expect(step.branchMatches('main', 'main')).toBe(true);
    expect(step.branchMatches('feature/x', 'main')).toBe(false);
    expect(step.branchMatches('main', null)).toBe(false);
    for (const name of ['Deploy to production', 'deploy', 'Release', 'release-notes']) expect(step.stepMatches(name), name).toBe(true);
    for (const name of ['Build', 'Pre-deploy checks', 'Test']) expect(step.stepMatches(name), name).toBe(false);
    expect(step.environmentOf('Deploy to production')).toEqual({ environment: 'production', environmentType: 'Production' });
  });

  it('branch globs: * stays within a segment, ** crosses', () => {
    const [one, any] = compileRules(parseDeploymentSettings({ rules: [{ name: 'a', branch: 'release/*', environment: 'x' }, { name: 'b', branch: 'release/**', environment: 'x' }] }, 'deployments').rules);
    expect(one?.branchMatches('release/1.2', 'main')).toBe(true);
    expect(one?.branchMatches('release/1.2/hotfix', 'main')).toBe(false);
    expect(any?.branchMatches('release/1.2/hotfix', 'main')).toBe(true);
  });

  it('the opt-in rule comes last, and only when enabled', () => {
    expect(effectiveRules(parseDeploymentSettings(undefined, 'd')).map((rule) => rule.name)).toEqual(['custom-deploy', 'deploy-step']);
    expect(effectiveRules(parseDeploymentSettings({ everyDefaultBranchPipeline: true }, 'd')).map((rule) => rule.name)).toEqual(['custom-deploy', 'deploy-step', 'default-branch-success']);
  });

  it('guesses environment types from names', () => {
    expect(['production', 'prod-eu', 'live', 'staging', 'preprod', 'uat', 'test', 'dev', 'qa', 'review-app', 'eu-west'].map(environmentTypeOf)).toEqual([
      'Production', 'Production', 'Production', 'Staging', 'Staging', 'Staging', 'Test', 'Test', 'Test', 'Test', null,
    ]);
  });
});
