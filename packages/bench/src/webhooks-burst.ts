/**
 * The webhook receiver under a burst: `bbsync webhooks serve` (the built CLI, its own process) receives N signed
 * Cloud-shaped deliveries sent all at once; measured are the wall time until the last 200, deliveries per
 * second, and the receiver's peak resident memory (`VmHWM` from /proc, Linux). Written into BENCHMARKS.md as its
 * own section (between markers), so `pnpm bench` and `node packages/bench/dist/webhooks-burst-run.js` both keep it.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replaceSection } from './report-section.js';

const CLI = fileURLToPath(new URL('../../action/dist/cli.js', import.meta.url));
const SECRET = 'bench-webhook-secret';
const START = '<!-- webhooks-burst -->';
const END = '<!-- /webhooks-burst -->';

export interface BurstResult {
  readonly deliveries: number;
  readonly concurrency: number;
  readonly wallMs: number;
  readonly perSecond: number;
  readonly peakRssBytes: number | undefined;
  readonly statuses: Readonly<Record<string, number>>;
  readonly load: readonly [number, number];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function peakRss(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

export async function runWebhookBurst(options: { deliveries?: number; concurrency?: number } = {}): Promise<BurstResult> {
  const deliveries = options.deliveries ?? 1000;
  const concurrency = options.concurrency ?? 16;
  const dir = await mkdtemp(join(tmpdir(), 'bbsync-bench-webhooks-'));
  const port = await freePort();
  const { loadavg } = await import('node:os');
  const loadStart = loadavg()[0] ?? 0;
  const child = spawn(process.execPath, [CLI, 'webhooks', 'serve', '--port', String(port), '--host', '127.0.0.1', '--out', dir, '--concurrency', String(concurrency), '--rate', '100000'], {
    env: { PATH: process.env.PATH ?? '', BBSYNC_WEBHOOK_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        if (out.includes('listening on')) resolve();
      });
      child.once('exit', () => reject(new Error('the receiver exited before listening')));
    });
    const repository = { uuid: '{bench-0000}', full_name: 'acme/bench' };
    const bodies = Array.from({ length: deliveries }, (_, i) =>
      JSON.stringify({
        actor: { uuid: '{u}', display_name: 'Bench' },
        repository,
        pullrequest: { type: 'pullrequest', id: i + 1, title: `Burst ${i + 1}`, state: 'OPEN', description: 'x'.repeat(2000), updated_on: '2026-01-01T00:00:00.000000+00:00' },
      }),
    );
    const statuses: Record<string, number> = {};
    const started = performance.now();
    await Promise.all(
      bodies.map(async (body, i) => {
        const response = await fetch(`http://127.0.0.1:${port}/bitbucket`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-event-key': 'pullrequest:created',
            'x-request-uuid': `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
            'x-hub-signature': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
          },
          body,
        });
        await response.arrayBuffer();
        statuses[String(response.status)] = (statuses[String(response.status)] ?? 0) + 1;
      }),
    );
    const wallMs = performance.now() - started;
    const peakRssBytes = child.pid === undefined ? undefined : await peakRss(child.pid);
    return { deliveries, concurrency, wallMs, perSecond: (deliveries / wallMs) * 1000, peakRssBytes, statuses, load: [loadStart, loadavg()[0] ?? 0] };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

export function renderWebhookSection(result: BurstResult, command: string): string {
  const mb = result.peakRssBytes === undefined ? 'n/a (no /proc)' : `${Math.round(result.peakRssBytes / 1024 / 1024)} MB`;
  return [
    START,
    '## Webhook receiver under a burst',
    '',
    `Command: \`${command}\`. ${result.deliveries.toLocaleString('en-US')} signed Cloud-shaped \`pullrequest:created\` deliveries (about 2.3 kB each) sent at once over loopback to \`bbsync webhooks serve --concurrency ${result.concurrency}\` in its own process; each is verified, parsed, written and fsync'd (records and delivery journal) before its 200. Load average ${result.load[0].toFixed(1)} at the start, ${result.load[1].toFixed(1)} at the end.`,
    '',
    '| figure | measured |',
    '|---|---|',
    `| wall time until the last answer | ${(result.wallMs / 1000).toFixed(2)} s |`,
    `| deliveries per second | ${Math.round(result.perSecond).toLocaleString('en-US')} |`,
    `| receiver peak RSS (VmHWM) | ${mb} |`,
    `| answers | ${Object.entries(result.statuses).map(([status, count]) => `${count} × ${status}`).join(', ')} |`,
    END,
  ].join('\n');
}

/** Replaces the section in `file` (or appends it). */
export async function writeWebhookSection(file: string, section: string): Promise<void> {
  await replaceSection(file, START, END, section);
}
