/**
 * `bbsync webhooks register`: asks Bitbucket to notify an endpoint of pushes and pull request events, for
 * freshness between scheduled syncs. Idempotent: a hook with the same URL is left as it is.
 * Cloud: one workspace hook (`POST /workspaces/{ws}/hooks`, needs `webhook` scope and workspace admin) or one per
 * `--repository` (`POST /repositories/{ws}/{slug}/hooks`). Data Center: one per `--repository`
 * (`POST /projects/{key}/repos/{slug}/webhooks`, needs REPO_ADMIN).
 */
import { PULL_REQUEST_WEBHOOK_EVENTS, registerWorkspaceWebhook } from '@bbsync/cloud';
import { Redactor, secretForms, type ApiClient } from '@bbsync/core';
import type { SyncConfig } from '../config/validate.js';
import { createClient, prepareSync } from '../run/sync-job.js';
import { configFlagsHelp, CONFIG_FLAGS, parse, UsageError } from './args.js';
import { configFromArgs } from './config-from-args.js';
import type { CommandIo } from './io.js';

/** Cloud default: the pull request events the Cloud connector turns into records. */
export const CLOUD_EVENTS: readonly string[] = PULL_REQUEST_WEBHOOK_EVENTS;

export const DATACENTER_EVENTS = [
  'repo:refs_changed',
  'repo:modified',
  'pr:opened',
  'pr:modified',
  'pr:from_ref_updated',
  'pr:reviewer:updated',
  'pr:reviewer:approved',
  'pr:reviewer:unapproved',
  'pr:reviewer:needs_work',
  'pr:merged',
  'pr:declined',
  'pr:deleted',
  'pr:comment:added',
  'pr:comment:edited',
  'pr:comment:deleted',
] as const;

export const WEBHOOKS_HELP = `Usage: bbsync webhooks register --url <https://...> [options]

Registers a webhook so Bitbucket notifies your endpoint of pushes and pull request events. Existing hooks with
the same URL are left alone. The secret (recommended) signs each delivery: X-Hub-Signature = sha256=HMAC(body).

Options:
      --url <url>                    the endpoint to notify (required)
      --secret-env <NAME>            environment variable holding the signing secret (default BBSYNC_WEBHOOK_SECRET)
      --target <ws/slug|PROJ/slug>   a repository to hook (repeatable). Cloud default: the whole workspace
      --events <list>                comma-separated event keys (default: pushes and pull request events)
      --dry-run                      print what would be registered, send nothing
${configFlagsHelp()}
  -h, --help                         this help`;

interface Target {
  readonly list: string;
  readonly create: string;
  /** Cloud workspace hook: registered through the Cloud connector. */
  readonly workspace?: string | undefined;
}

function targets(config: SyncConfig, repositories: readonly string[]): Target[] {
  if (config.source === 'cloud') {
    const workspace = encodeURIComponent(config.cloud?.workspace ?? '');
    if (repositories.length === 0) return [{ list: `/workspaces/${workspace}/hooks`, create: `/workspaces/${workspace}/hooks`, workspace: config.cloud?.workspace }];
    return repositories.map((name) => {
      const [ws, slug] = splitRepository(name);
      const path = `/repositories/${encodeURIComponent(ws)}/${encodeURIComponent(slug)}/hooks`;
      return { list: path, create: path };
    });
  }
  if (repositories.length === 0) throw new UsageError('--target is required for Data Center (allowed: PROJECT/slug, repeatable)');
  return repositories.map((name) => {
    const [project, slug] = splitRepository(name);
    const path = `/projects/${encodeURIComponent(project)}/repos/${encodeURIComponent(slug)}/webhooks`;
    return { list: path, create: path };
  });
}

function splitRepository(name: string): [string, string] {
  const parts = name.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new UsageError(`--target: ${JSON.stringify(name)} is not valid (allowed: workspace/slug or PROJECT/slug)`);
  return [parts[0], parts[1]];
}

async function existingUrls(client: ApiClient, path: string): Promise<Set<string>> {
  const urls = new Set<string>();
  let next: string | undefined = path;
  for (let page = 0; next !== undefined && page < 20; page += 1) {
    const response: { body: { values?: { url?: string }[]; next?: string; isLastPage?: boolean; nextPageStart?: number } } = await client.request({ url: next });
    for (const hook of response.body.values ?? []) if (hook.url) urls.add(hook.url);
    next = response.body.next ?? (response.body.isLastPage === false && response.body.nextPageStart !== undefined ? `${path}?start=${response.body.nextPageStart}` : undefined);
  }
  return urls;
}

export async function webhooksCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === undefined) {
    io.terminal.out(WEBHOOKS_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'register') throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (allowed: register)`);
  const parsed = parse(rest, {
    ...CONFIG_FLAGS,
    url: { type: 'string' },
    'secret-env': { type: 'string' },
    target: { type: 'string', multiple: true },
    events: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  if (parsed.values.help) {
    io.terminal.out(WEBHOOKS_HELP);
    return 0;
  }
  const url = parsed.values.url as string | undefined;
  if (!url || !/^https?:\/\//.test(url)) throw new UsageError('--url is required (allowed: an http(s) URL of your endpoint)');
  const config = await configFromArgs(parsed, io.env);
  const secretName = (parsed.values['secret-env'] as string | undefined) ?? 'BBSYNC_WEBHOOK_SECRET';
  const secret = io.env[secretName];
  const events = (parsed.values.events as string | undefined)?.split(',').map((e) => e.trim()).filter(Boolean) ?? [...(config.source === 'cloud' ? CLOUD_EVENTS : DATACENTER_EVENTS)];
  const list = targets(config, (parsed.values.target as string[] | undefined) ?? []);
  const body =
    config.source === 'cloud'
      ? { description: 'bbsync', url, active: true, events, ...(secret ? { secret } : {}) }
      : { name: 'bbsync', url, active: true, events, ...(secret ? { configuration: { secret } } : {}) };

  const t = io.terminal;
  if (!secret) t.err(t.yellow(`warning: ${secretName} is not set: deliveries will not be signed`));
  if (parsed.values['dry-run']) {
    for (const target of list) t.out(`would POST ${target.create} events=${events.join(',')} url=${url}`);
    return 0;
  }
  const prepared = prepareSync(config);
  const redactor = new Redactor().addForms(prepared.secrets);
  if (secret) redactor.add(secret);
  // The client redacts a server's text before cutting it; it must know the webhook secret it sends, too.
  const client = createClient(prepared, { extraSecrets: secret ? secretForms(secret) : undefined });
  let failed = 0;
  for (const target of list) {
    try {
      if ((await existingUrls(client, target.list)).has(url)) {
        t.out(`exists   ${target.create}`);
        continue;
      }
      if (target.workspace !== undefined) await registerWorkspaceWebhook(client, target.workspace, url, secret ?? '', events);
      else await client.request({ method: 'POST', url: target.create, body: { json: body } });
      t.out(t.green(`created  ${target.create}`));
    } catch (error) {
      failed += 1;
      t.err(t.red(`failed   ${target.create}: ${redactor.redact(error instanceof Error ? error.message : String(error))}`));
    }
  }
  return failed === 0 ? 0 : 1;
}
