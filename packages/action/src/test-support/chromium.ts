/**
 * A headless Chromium driven over the DevTools protocol (Node's built-in WebSocket; no browser library): opens
 * a page, records console errors, exceptions and every network request, evaluates expressions, takes a
 * screenshot. Debian's `chromium` package (`.ci/run` installs it when missing); `CHROMIUM` overrides the path.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export function chromiumPath(): string | undefined {
  const candidates = [process.env['CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
}

export interface PageVisit {
  readonly consoleErrors: string[];
  readonly requests: string[];
  evaluate<T>(expression: string): Promise<T>;
  screenshot(): Promise<Buffer>;
  close(): Promise<void>;
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/** Opens `url` in a fresh headless browser and waits for the load event. */
export async function visit(url: string, viewport = { width: 1200, height: 900 }): Promise<PageVisit> {
  const binary = chromiumPath();
  if (binary === undefined) throw new Error('no Chromium found (install Debian\'s chromium package, or set CHROMIUM)');
  const profile = await mkdtemp(join(tmpdir(), 'bbsync-chromium-'));
  const child: ChildProcess = spawn(
    binary,
    ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check', '--hide-scrollbars', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
    { stdio: 'ignore' },
  );
  let endpoint: string | undefined;
  for (let attempt = 0; attempt < 300 && endpoint === undefined; attempt++) {
    const text = await readFile(join(profile, 'DevToolsActivePort'), 'utf8').catch(() => '');
    const [port, path] = text.split('\n');
    if (port && path) endpoint = `ws://127.0.0.1:${port}${path}`;
    else await sleep(100);
  }
  if (endpoint === undefined) {
    child.kill('SIGKILL');
    throw new Error('Chromium did not start');
  }
  const socket = new WebSocket(endpoint);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('cannot connect to Chromium')), { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const listeners: ((m: Message) => void)[] = [];
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as Message;
    if (message.id !== undefined) {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result ?? {});
    } else for (const listener of listeners) listener(message);
  });
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });

  const consoleErrors: string[] = [];
  const requests: string[] = [];
  let loaded: () => void = () => undefined;
  const load = new Promise<void>((resolve) => (loaded = resolve));
  listeners.push((m) => {
    if (m.method === 'Runtime.consoleAPICalled' && (m.params?.['type'] === 'error' || m.params?.['type'] === 'warning')) consoleErrors.push(JSON.stringify(m.params?.['args']));
    if (m.method === 'Runtime.exceptionThrown') consoleErrors.push(JSON.stringify(m.params?.['exceptionDetails']));
    if (m.method === 'Log.entryAdded' && (m.params?.['entry'] as { level?: string })?.level === 'error') consoleErrors.push(JSON.stringify(m.params?.['entry']));
    if (m.method === 'Network.requestWillBeSent') requests.push(String((m.params?.['request'] as { url?: string })?.url));
    if (m.method === 'Page.loadEventFired') loaded();
  });

  const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
  const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
  for (const domain of ['Runtime', 'Log', 'Network', 'Page']) await send(`${domain}.enable`, {}, sessionId);
  await send('Emulation.setDeviceMetricsOverride', { width: viewport.width, height: viewport.height, deviceScaleFactor: 1, mobile: false }, sessionId);
  await send('Page.navigate', { url }, sessionId);
  await load;

  return {
    consoleErrors,
    requests,
    async evaluate<T>(expression: string): Promise<T> {
      const result = (await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, sessionId)) as { result: { value: T }; exceptionDetails?: unknown };
      if (result.exceptionDetails) throw new Error(`evaluation failed: ${JSON.stringify(result.exceptionDetails)}`);
      return result.result.value;
    },
    async screenshot(): Promise<Buffer> {
      const { data } = (await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true }, sessionId)) as { data: string };
      return Buffer.from(data, 'base64');
    },
    async close(): Promise<void> {
      await send('Browser.close').catch(() => undefined);
      socket.close();
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once('exit', () => resolve());
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      });
      await rm(profile, { recursive: true, force: true });
    },
  };
}
