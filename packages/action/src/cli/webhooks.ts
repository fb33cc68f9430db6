/**
 * `bbsync webhooks register` and `bbsync webhooks serve`. Neither knows a vendor's wire format: hook paths,
 * events, bodies and delivery parsing come from each connector's webhook description (core's `Connector`).
 *
 * register: subscribes to every event the receiver understands (or `--events`), on the Cloud workspace or
 * the repositories named with `--target` (Data Center: repository hooks). Idempotent: a hook with the same URL
 * is updated in place (events, secret, active), never added twice. The hooks are listed with the family's
 * paginator, through the connector's client: credentials never leave the configured API base.
 *
 * serve: the receiver (see `webhooks/receiver.ts`), optionally dispatching targeted syncs to GitHub.
 */
import { resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { Redactor, secretForms, systemClock, type Connector, type ExistingWebhook, type Logger, type LogFields } from '@bbsync/core';
import { connectorFor } from '../run/connectors.js';
import { prepareSync } from '../run/sync-job.js';
import { RepositoryDispatcher } from '../webhooks/dispatch.js';
import { createWebhookReceiver } from '../webhooks/receiver.js';
import { WebhookStore } from '../webhooks/webhook-store.js';
import { configFlagsHelp, CONFIG_FLAGS, parse, UsageError, type Parsed } from './args.js';
import { configFromArgs } from './config-from-args.js';
import type { CommandIo } from './io.js';
import type { Terminal } from './terminal.js';

const DEFAULT_SECRET_ENV = 'BBSYNC_WEBHOOK_SECRET';

export const WEBHOOKS_HELP = `Usage: bbsync webhooks <register|serve> [options]

  register   subscribe your receiver to Bitbucket's pull request and push events (idempotent)
  serve      receive signed deliveries and append them to webhook run folders that \`bbsync merge\` folds in

Run \`bbsync webhooks register --help\` or \`bbsync webhooks serve --help\`.`;

export const REGISTER_HELP = `Usage: bbsync webhooks register --url <https://...> [options]

Registers (or updates) a webhook so Bitbucket notifies your receiver of pushes and pull request events. A hook
with the same URL is updated in place, never added twice. The secret signs each delivery
(X-Hub-Signature: sha256=HMAC(body)); \`bbsync webhooks serve\` refuses unsigned deliveries.

Options:
      --url <url>                    the receiver's public URL (required)
      --secret-env <NAME>            environment variable holding the signing secret (default ${DEFAULT_SECRET_ENV})
      --target <ws/slug|PROJ/slug>   a repository to hook (repeatable). Cloud default: the whole workspace;
                                     Data Center: required (repository hooks)
      --events <list>                comma-separated event keys (default: every event the receiver understands)
      --dry-run                      print what would be registered, send nothing
${configFlagsHelp()}
  -h, --help                         this help`;

export const SERVE_HELP = `Usage: bbsync webhooks serve --port <n> [options]

Receives Bitbucket Cloud and Data Center webhook deliveries. Each one is checked against the secret
(constant-time HMAC-SHA256 over the raw body; unsigned or badly signed: 401, nothing written), deduplicated by
delivery id across restarts, turned into the records a sync writes, and appended durably (fsync) to a webhook
run folder under --out before the 200 answer. GET /healthz answers 200. SIGTERM or SIGINT stops it gracefully.

Options:
      --port <n>                     port to listen on (required; 0 picks a free one)
      --host <addr>                  address to bind (default 0.0.0.0)
      --out <dir>                    folder of run folders (default .bbsync/runs, beside the sync's runs)
      --secret-env <NAME>            environment variable holding the webhook secret (default ${DEFAULT_SECRET_ENV})
      --secret <$NAME>               the same as a \`$NAME\` reference (a literal value shows in process lists)
      --max-body-bytes <n>           largest delivery accepted (default 1048576)
      --concurrency <n>              deliveries processed at once (default 16)
      --rate <n>                     deliveries per second per source address (default 50; burst 1000)
      --rotate-seconds <n>           start a new webhook run folder after this long (default 300)
      --github-repo <owner/name>     also dispatch targeted syncs (repository_dispatch) to this repository
      --github-token-env <NAME>      environment variable holding a GitHub token allowed to dispatch
      --github-api-url <url>         GitHub's API (default https://api.github.com)
      --dispatch-window-seconds <n>  collect changed repositories this long per dispatch (default 60)
  -h, --help                         this help`;

export async function webhooksCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === undefined) {
    io.terminal.out(WEBHOOKS_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'register') return registerCommand(rest, io);
  if (sub === 'serve') return serveCommand(rest, io);
  throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (allowed: register, serve)`);
}

function secretFrom(parsed: Parsed, env: CommandIo['env'], t: Terminal): { name: string; value: string | undefined } {
  const reference = parsed.values.secret as string | undefined;
  if (reference !== undefined) {
    if (/^\$[A-Za-z_][A-Za-z0-9_]*$/.test(reference)) return { name: reference.slice(1), value: env[reference.slice(1)] };
    t.err(t.yellow('warning: --secret was given a value: it shows in process lists; prefer --secret-env NAME or --secret \'$NAME\''));
    return { name: '--secret', value: reference };
  }
  const name = (parsed.values['secret-env'] as string | undefined) ?? DEFAULT_SECRET_ENV;
  return { name, value: env[name] };
}

function positiveInteger(parsed: Parsed, flag: string, fallback: number, allowZero = false): number {
  const raw = parsed.values[flag] as string | undefined;
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || (!allowZero && value < 1)) throw new UsageError(`--${flag}: ${JSON.stringify(raw)} is not valid (allowed: an integer >= ${allowZero ? 0 : 1})`);
  return value;
}

async function registerCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parse(args, {
    ...CONFIG_FLAGS,
    url: { type: 'string' },
    'secret-env': { type: 'string' },
    secret: { type: 'string' },
    target: { type: 'string', multiple: true },
    events: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  const t = io.terminal;
  if (parsed.values.help) {
    t.out(REGISTER_HELP);
    return 0;
  }
  const url = parsed.values.url as string | undefined;
  if (!url || !/^https?:\/\/[^\s]+$/.test(url)) throw new UsageError('--url is required (allowed: an http(s) URL of your receiver)');
  const config = await configFromArgs(parsed, io.env, io.cwd);
  const prepared = prepareSync(config);
  const connector = prepared.connector;
  const secret = secretFrom(parsed, io.env, t);
  const events = (parsed.values.events as string | undefined)?.split(',').map((e) => e.trim()).filter(Boolean) ?? [...connector.webhooks.events];
  const targets = connector.webhooks.targets(prepared.connectorConfig, (parsed.values.target as string[] | undefined) ?? []);
  if (!secret.value) t.err(t.yellow(`warning: ${secret.name} is not set: deliveries will not be signed, and \`bbsync webhooks serve\` refuses unsigned deliveries`));
  if (parsed.values['dry-run']) {
    for (const target of targets) t.out(`would register on ${target.label} (${target.path}) events=${events.join(',')} url=${url}`);
    return 0;
  }
  const redactor = new Redactor().addForms(prepared.secrets);
  if (secret.value) redactor.add(secret.value);
  const client = connector.createClient(prepared.connectorConfig, prepared.credentials, {
    concurrency: config.concurrency,
    maxWaitMs: config.maxRateLimitWaitMinutes * 60_000,
    caCertificates: config.datacenter?.caCertificates,
    // The client redacts a server's text before cutting it; it must know the webhook secret it sends, too.
    extraSecrets: secret.value ? secretForms(secret.value) : [],
  });
  const spec = { url, secret: secret.value ?? '', events, name: 'bbsync' };
  let failed = 0;
  try {
    for (const target of targets) {
      try {
        const existing: ExistingWebhook | undefined = (await connector.webhooks.list(client, target)).find((hook) => hook.url === url);
        const saved = await connector.webhooks.save(client, target, spec, existing);
        t.out(existing === undefined ? t.green(`created  ${target.label} (hook ${saved.id})`) : `updated  ${target.label} (hook ${saved.id}, same URL)`);
      } catch (error) {
        failed += 1;
        t.err(t.red(`failed   ${target.label}: ${redactor.redact(error instanceof Error ? error.message : String(error))}`));
      }
    }
  } finally {
    await (client as { close?: () => Promise<void> }).close?.();
  }
  return failed === 0 ? 0 : 1;
}

/** Log lines for an operator: `level message key=value`; values are ids, counts and codes only. */
function terminalLogger(t: Terminal): Logger {
  const line = (level: string, message: string, fields?: LogFields) => {
    const extra = fields === undefined ? '' : Object.entries(fields).map(([key, value]) => ` ${key}=${String(value)}`).join('');
    t.err(`${new Date().toISOString()} ${level} ${message}${extra}`);
  };
  return { debug: () => undefined, info: (m, f) => line('info', m, f), warn: (m, f) => line('warn', m, f), error: (m, f) => line('error', m, f) };
}

async function serveCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parse(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    out: { type: 'string' },
    'secret-env': { type: 'string' },
    secret: { type: 'string' },
    'max-body-bytes': { type: 'string' },
    concurrency: { type: 'string' },
    rate: { type: 'string' },
    'rotate-seconds': { type: 'string' },
    'github-repo': { type: 'string' },
    'github-token-env': { type: 'string' },
    'github-api-url': { type: 'string' },
    'dispatch-window-seconds': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const t = io.terminal;
  if (parsed.values.help) {
    t.out(SERVE_HELP);
    return 0;
  }
  if (parsed.values.port === undefined) throw new UsageError('--port is required (allowed: 0-65535)');
  const port = positiveInteger(parsed, 'port', 0, true);
  if (port > 65_535) throw new UsageError('--port is too large (allowed: 0-65535)');
  const secret = secretFrom(parsed, io.env, t);
  if (!secret.value) throw new UsageError(`the webhook secret is not set (allowed: --secret-env NAME naming a non-empty variable; default ${DEFAULT_SECRET_ENV})`);
  const logger = terminalLogger(t);
  const githubRepo = parsed.values['github-repo'] as string | undefined;
  let dispatcher: RepositoryDispatcher | undefined;
  if (githubRepo !== undefined) {
    const tokenEnv = parsed.values['github-token-env'] as string | undefined;
    const token = tokenEnv === undefined ? undefined : io.env[tokenEnv];
    if (!token) throw new UsageError('--github-repo needs --github-token-env NAME naming a variable that holds a GitHub token');
    const apiUrl = (parsed.values['github-api-url'] as string | undefined) ?? 'https://api.github.com';
    if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(apiUrl)) throw new UsageError('--github-api-url is not valid (allowed: an http(s) URL without query)');
    try {
      dispatcher = new RepositoryDispatcher({ apiUrl, repository: githubRepo, token, windowMs: positiveInteger(parsed, 'dispatch-window-seconds', 60) * 1000, logger });
    } catch {
      throw new UsageError(`--github-repo: ${JSON.stringify(githubRepo)} is not valid (allowed: owner/name)`);
    }
  }
  const out = resolve(io.cwd, (parsed.values.out as string | undefined) ?? '.bbsync/runs');
  await mkdir(out, { recursive: true });
  const store = await WebhookStore.open({ dir: out, clock: systemClock, rotateMs: positiveInteger(parsed, 'rotate-seconds', 300) * 1000 });
  const connectors: Connector[] = [connectorFor('cloud'), connectorFor('datacenter')];
  const receiver = createWebhookReceiver({
    secret: secret.value,
    store,
    connectors,
    clock: systemClock,
    logger,
    dispatcher,
    maxBodyBytes: positiveInteger(parsed, 'max-body-bytes', 1024 * 1024),
    concurrency: positiveInteger(parsed, 'concurrency', 16),
    ratePerSecond: positiveInteger(parsed, 'rate', 50),
  });
  const url = await receiver.listen(port, (parsed.values.host as string | undefined) ?? '0.0.0.0');
  t.out(`bbsync webhooks: listening on ${url} (records to ${out})`);
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      t.err(`${signal}: stopping after the deliveries in flight`);
      done();
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  await receiver.close();
  t.out(`bbsync webhooks: stopped (${receiver.stats.accepted} stored, ${receiver.stats.duplicates} duplicates, ${receiver.stats.rejected} refused)`);
  return 0;
}
