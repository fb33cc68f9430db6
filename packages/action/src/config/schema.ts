/**
 * The one configuration schema of bbsync, shared by the action (inputs + config file), the CLI (flags + config
 * file) and the published JSON Schema (`schemas/config.schema.json`). Cross-field rules (exactly one credential
 * form, startDate xor lookbackDays, the source's section present) live in {@link validateConfig}, so that every
 * message can name the field and what is allowed.
 */
import { z } from 'zod';

/** `i/n` with 1 <= i <= n: which slice of the repositories this job syncs. */
export const SHARD_PATTERN = /^(\d{1,4})\/(\d{1,4})$/;

/** The largest time budget: a year. */
export const MAX_BUDGET_MINUTES = 525_600;

const streamList = z
  .array(z.string().min(1))
  .describe('Output streams to sync (default: all of the source). See the connector READMEs for the list.');

const globList = z.array(z.string().min(1));

/** One credential, as configured. Secrets should come from the environment (see `$NAME` references). */
export const credentialSchema = z
  .strictObject({
    accessToken: z.string().optional().describe('Bearer token: Cloud workspace/project/repository access token, or a Data Center HTTP access token.'),
    email: z.string().optional().describe('Atlassian account email, with apiToken (Cloud API token, sent as Basic auth).'),
    apiToken: z.string().optional().describe('Cloud API token, with email.'),
    username: z.string().optional().describe('Data Center user (with a password or personal access token), or a Cloud app password user.'),
    password: z.string().optional().describe('Password or personal access token, with username.'),
    label: z.string().min(1).optional().describe('A name for logs and reports (never the secret).'),
    streams: streamList.optional().describe('Only serve these streams (default: every stream).'),
    repositories: globList.optional().describe('Only serve these repositories (glob patterns on workspace/slug or PROJECT/slug).'),
    requestsPerHour: z.number().int().positive().optional().describe('Requests per hour this credential may spend (Cloud).'),
  })
  .describe('One credential: exactly one of {accessToken}, {email, apiToken}, {username, password}. Write `$ENV_NAME` to read a secret from the environment.');

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema of this file, for editor completion.'),
    source: z.enum(['cloud', 'datacenter']).describe('Which Bitbucket: `cloud` (bitbucket.org) or `datacenter` (self-hosted Data Center / Server).'),
    // Loose: the connector's own advanced settings (e.g. `pullRequestOverlapMinutes`) pass through to its parseConfig.
    cloud: z
      .looseObject({
        workspace: z.string().min(1).optional().describe('Workspace slug (or UUID) to sync.'),
        baseUrl: z.string().optional().describe('API base URL. Default https://api.bitbucket.org/2.0.'),
      })
      .optional(),
    datacenter: z
      .looseObject({
        baseUrl: z.string().optional().describe('Server URL, e.g. https://bitbucket.example.com (the REST base /rest/api/1.0 is added) or the full REST base.'),
        projects: z.array(z.string().min(1)).optional().describe('Project keys to sync (default: every project the credentials see).'),
        caCertificates: z.string().optional().describe('PEM CA bundle, or a path to one, for servers behind corporate TLS.'),
      })
      .optional(),
    credentials: z.array(credentialSchema).optional().describe('One or several credentials; each can be assigned to streams or repositories.'),
    repositories: z
      .strictObject({
        include: globList.optional().describe('Glob patterns of repositories to sync (default: all).'),
        exclude: globList.optional().describe('Glob patterns of repositories to skip.'),
        only: z.array(z.string().min(1)).optional().describe('Targeted sync: restrict the run to these exact repository names (e.g. from a repository_dispatch).'),
      })
      .optional(),
    streams: streamList.optional(),
    startDate: z.string().optional().describe('First sync only: ignore data older than this ISO 8601 date (YYYY-MM-DD or a date-time).'),
    lookbackDays: z.number().int().positive().optional().describe('First sync only: ignore data older than this many days.'),
    concurrency: z.number().int().min(1).max(32).optional().describe('Partitions (repositories) read at once. Default 4.'),
    budgets: z
      .strictObject({
        maxRequests: z.number().int().positive().optional().describe('Stop gracefully after this many requests; the next run continues.'),
        // Bounded so the deadline stays a real time: 1e308 minutes would overflow to an infinite deadline.
        maxMinutes: z.number().positive().max(MAX_BUDGET_MINUTES).optional().describe('Stop gracefully after this many minutes (at most 525600, a year); the next run continues.'),
      })
      .optional(),
    failOn: z
      .enum(['failed', 'partial', 'never'])
      .optional()
      .describe(
        'Which run statuses fail the step or exit non-zero: `partial` (default: a partial or failed run, i.e. any failed partition), `failed` (only a failed run: a failed repository listing, a stream failed everywhere, too many failures), or `never`.',
      ),
    maxRateLimitWaitMinutes: z.number().min(0).optional().describe('Longest wait for a rate-limit budget before the run stops gracefully. Default 10.'),
    artifact: z
      .strictObject({
        name: z.string().min(1).optional().describe('Artifact name (default `bbsync`; `-shard-i-of-n` is appended when sharded).'),
        retentionDays: z.number().int().min(1).max(400).optional().describe('Artifact retention in days (default: the repository setting).'),
      })
      .optional(),
    cacheKeyPrefix: z.string().min(1).optional().describe('Cursor cache key prefix. Default `bbsync-v1`.'),
    shard: z.string().optional().describe('`i/n`: sync the i-th of n slices of the repositories (stable hash); shard 1 also syncs workspace-level streams.'),
    output: z
      .strictObject({
        dir: z.string().optional().describe('Folder for run folders (default: .bbsync/runs, or $RUNNER_TEMP/bbsync/runs in the action).'),
        stateDir: z.string().optional().describe('Folder for cursor state (default: .bbsync/state).'),
      })
      .optional(),
  })
  .describe('bbsync configuration');

/** The configuration as written (file + overrides), before cross-field validation. */
export type RawConfig = z.infer<typeof configSchema>;
export type CredentialInput = z.infer<typeof credentialSchema>;
