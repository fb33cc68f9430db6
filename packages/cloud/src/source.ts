/** The Bitbucket Cloud source: its stream definitions, workspace streams first (the engine runs them first anyway). */
import type { SourceDefinition } from '@bbsync/core';
import type { CloudConfig } from './config.js';
import { commitsStream } from './streams/commits.js';
import { deploymentsStream } from './streams/deployments.js';
import { pipelinesStream } from './streams/pipelines.js';
import { pullRequestsStream } from './streams/pull-requests.js';
import { repositoriesStream } from './streams/repositories.js';
import { workspaceMembersStream } from './streams/workspace-members.js';

export const cloudSource: SourceDefinition<CloudConfig> = {
  kind: 'cloud',
  // Commits before pull requests: pull requests resolve their 12-character hashes from the commits' cursor.
  streams: [repositoriesStream, workspaceMembersStream, commitsStream, pullRequestsStream, pipelinesStream, deploymentsStream],
};
