/** The Data Center source: its stream definitions, workspace streams first. */
import type { SourceDefinition } from '@bbsync/core';
import type { DataCenterConfig } from './config.js';
import { commitsStream } from './streams/commits.js';
import { deploymentsStream } from './streams/deployments.js';
import { projectsStream } from './streams/projects.js';
import { pullRequestsStream } from './streams/pull-requests.js';
import { repositoriesStream } from './streams/repositories.js';
import { usersStream } from './streams/users.js';

export const dataCenterSource: SourceDefinition<DataCenterConfig> = {
  kind: 'datacenter',
  streams: [projectsStream, repositoriesStream, usersStream, commitsStream, pullRequestsStream, deploymentsStream],
};
