import { isBbsyncError } from '@bbsync/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BASE_URL, DEFAULT_PAGE_SIZES, parseCloudConfig } from './config.js';

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
    });
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
