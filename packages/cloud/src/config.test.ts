import { isBbsyncError } from '@bbsync/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BASE_URL, DEFAULT_PAGE_SIZES, parseCloudConfig } from './config.js';
import { DEFAULT_DEPLOYMENT_SETTINGS } from './deployments/rules.js';

function configErrorOf(run: () => unknown): { field: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (isBbsyncError(error, 'config_error')) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a config_error');
}

describe('parseCloudConfig', () => {
  it('applies defaults', () => {
    const config = parseCloudConfig({ workspace: 'acme' });
    expect(config).toEqual({
      workspace: 'acme',
      baseUrl: DEFAULT_BASE_URL,
      repositories: { include: [], exclude: [] },
      pullRequestOverlapMinutes: 5,
      repositoryUpdatedOnBumpedBy: 'pushes',
      activityBumpsPullRequestUpdatedOn: false,
      activityFeedNewestFirst: true,
      activityFeedCoversPullRequestUpdates: false,
      memberEmails: true,
      knownCommits: 300,
      forcePushLookbackDays: 30,
      pageSizes: DEFAULT_PAGE_SIZES,
      deployments: DEFAULT_DEPLOYMENT_SETTINGS,
      bots: [],
    });
  });

  it('keeps deployment rules in order and appends the opt-in rule only when asked', () => {
    const config = parseCloudConfig({
      workspace: 'acme',
      deployments: { rules: [{ name: 'staging', branch: 'release/*', step: 'deploy to staging', environment: 'staging' }], everyDefaultBranchPipeline: true },
      bots: ['renovate-bot'],
    });
    expect(config.deployments.rules).toEqual([{ name: 'staging', branch: 'release/*', customPipeline: undefined, step: 'deploy to staging', environment: 'staging', environmentType: undefined, onlySuccessful: false }]);
    expect(config.deployments.everyDefaultBranchPipeline).toBe(true);
    expect(config.bots).toEqual(['renovate-bot']);
  });

  it('keeps valid settings and strips a trailing slash from the base URL', () => {
    const config = parseCloudConfig({
      workspace: 'acme',
      baseUrl: 'http://127.0.0.1:8080/2.0/',
      repositories: { include: ['acme/api-*'], exclude: ['acme/api-legacy'] },
      pullRequestOverlapMinutes: 0,
      repositoryUpdatedOnBumpedBy: 'nothing',
      pageSizes: { members: 50 },
    });
    expect(config.baseUrl).toBe('http://127.0.0.1:8080/2.0');
    expect(config.repositories.include).toEqual(['acme/api-*']);
    expect(config.pageSizes.members).toBe(50);
    expect(config.pageSizes.pullRequests).toBe(50);
  });

  it.each([
    [{}, 'cloud.workspace'],
    [{ workspace: 'has space' }, 'cloud.workspace'],
    [{ workspace: 'acme', baseUrl: 'ftp://x' }, 'cloud.baseUrl'],
    [{ workspace: 'acme', baseUrl: 'https://user:secret@api.bitbucket.org/2.0' }, 'cloud.baseUrl'],
    [{ workspace: 'acme', repositories: { include: 'acme/*' } }, 'cloud.repositories.include'],
    [{ workspace: 'acme', repositories: { other: [] } }, 'cloud.repositories.other'],
    [{ workspace: 'acme', repositories: { only: [''] } }, 'cloud.repositories.only'],
    [{ workspace: 'acme', pullRequestOverlapMinutes: -1 }, 'cloud.pullRequestOverlapMinutes'],
    [{ workspace: 'acme', repositoryUpdatedOnBumpedBy: 'commits' }, 'cloud.repositoryUpdatedOnBumpedBy'],
    [{ workspace: 'acme', pageSizes: { pullRequests: 100 } }, 'cloud.pageSizes.pullRequests'],
    [{ workspace: 'acme', knownCommits: 1.5 }, 'cloud.knownCommits'],
    [{ workspace: 'acme', memberEmails: 'yes' }, 'cloud.memberEmails'],
    [{ workspace: 'acme', typo: 1 }, 'cloud.typo'],
    [{ workspace: 'acme', deployments: [] }, 'cloud.deployments'],
    [{ workspace: 'acme', deployments: { rule: [] } }, 'cloud.deployments.rule'],
    [{ workspace: 'acme', deployments: { rules: [{ environment: 'prod' }] } }, 'cloud.deployments.rules[0].name'],
    [{ workspace: 'acme', deployments: { rules: [{ name: 'a', environment: 'prod', step: 'x', customPipeline: 'y' }] } }, 'cloud.deployments.rules[0].step'],
    [{ workspace: 'acme', deployments: { rules: [{ name: 'a', step: 'deploy*' }] } }, 'cloud.deployments.rules[0].environment'],
    [{ workspace: 'acme', deployments: { rules: [{ name: 'a', environment: 'p', environmentType: 'Prod' }] } }, 'cloud.deployments.rules[0].environmentType'],
    [{ workspace: 'acme', deployments: { rules: [{ name: 'a', environment: 'p' }, { name: 'a', environment: 'q' }] } }, 'cloud.deployments.rules[1].name'],
    [{ workspace: 'acme', deployments: { everyDefaultBranchPipeline: 'yes' } }, 'cloud.deployments.everyDefaultBranchPipeline'],
    [{ workspace: 'acme', bots: 'renovate' }, 'cloud.bots'],
  ])('rejects %j naming %s', (raw, field) => {
    const error = configErrorOf(() => parseCloudConfig(raw, 'cloud'));
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it('never echoes a secret from a rejected base URL', () => {
    const error = configErrorOf(() => parseCloudConfig({ workspace: 'acme', baseUrl: 'https://user:hunter2@x/2.0' }));
    expect(error.message).not.toContain('hunter2');
  });
});
