/** The output streams of the Bitbucket Cloud connector, workspace streams first. */
export const CLOUD_STREAMS = [
  'repositories',
  'workspace_members',
  'commits',
  'pull_requests',
  'pull_request_activity',
  'pull_request_comments',
  'pull_request_commits',
  'commit_details',
  'pipelines',
  'environments',
  'deployments',
  'pull_request_events',
] as const;

export type CloudStreamName = (typeof CLOUD_STREAMS)[number];

/** The OAuth scope each output needs (per-operation `security` of the Cloud OpenAPI document). */
export const STREAM_SCOPES: Readonly<Record<CloudStreamName, string>> = {
  repositories: 'repository',
  workspace_members: 'account',
  commits: 'repository',
  pull_requests: 'pullrequest',
  pull_request_activity: 'pullrequest',
  pull_request_comments: 'pullrequest',
  pull_request_commits: 'pullrequest',
  commit_details: 'pullrequest',
  pipelines: 'pipeline',
  environments: 'pipeline',
  deployments: 'pipeline',
  pull_request_events: 'pullrequest',
};
