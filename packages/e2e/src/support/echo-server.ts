/**
 * A hostile API on 127.0.0.1 that echoes what it was sent back into its error answers: the Authorization header or
 * that header decoded (`user:secret`) in turn, or the request body (a webhook secret), after 240 characters of
 * padding (more for a short secret), so a message cut to 300 characters before it is redacted would print part of
 * a secret. The first
 * path segment names the answer's shape (`/json-401/2.0` is a Cloud base URL answered with Cloud's JSON 401), so
 * one server serves every case; `cut-json-401` echoes all but the last 9 characters; `ok-user-header` answers empty pages whose
 * `X-AUSERNAME` header is a piece of the password. Every answer carries `Retry-After: 0`: retried shapes retry at once.
 * Listings of webhooks answer an empty page, so that `webhooks register` goes on to send its secret.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answer shapes, by the first path segment. */
export const ECHO_SHAPES = ['json-401', 'json-403', 'dc-json-400', 'text-500', 'html-502', 'text-429', 'cut-json-401', 'ok-user-header'] as const;
export type EchoShape = (typeof ECHO_SHAPES)[number];

export interface EchoServer {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** `METHOD path` of every request received. */
  readonly received: string[];
  close(): Promise<void>;
}

const PADDING = 'x'.repeat(240);

function answer(shape: EchoShape, echo: string): { status: number; type: string; body: string } {
  switch (shape) {
    case 'json-401':
    case 'cut-json-401':
      return { status: 401, type: 'application/json', body: JSON.stringify({ type: 'error', error: { message: echo, detail: echo } }) };
    case 'json-403':
      return { status: 403, type: 'application/json', body: JSON.stringify({ type: 'error', error: { message: echo } }) };
    case 'dc-json-400':
      return { status: 400, type: 'application/json', body: JSON.stringify({ errors: [{ context: null, message: echo, exceptionName: 'x' }] }) };
    case 'text-500':
      return { status: 500, type: 'text/plain', body: echo };
    case 'html-502':
      return { status: 502, type: 'text/html', body: `<html><head><title>${echo}</title></head><body>${echo}</body></html>` };
    case 'text-429':
      return { status: 429, type: 'text/plain', body: echo };
    case 'ok-user-header':
      return { status: 200, type: 'application/json', body: JSON.stringify({ values: [], isLastPage: true, size: 0, start: 0, limit: 25 }) };
  }
}

/** The webhook secret of a request body (Cloud `secret`, Data Center `configuration.secret`), else the whole body. */
function secretOf(body: string): string {
  try {
    const json = JSON.parse(body) as { secret?: unknown; configuration?: { secret?: unknown } };
    const secret = json.secret ?? json.configuration?.secret;
    return typeof secret === 'string' ? secret : body;
  } catch {
    return body;
  }
}

export async function startEchoServer(): Promise<EchoServer> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      received.push(`${req.method ?? '?'} ${url}`);
      if (req.method === 'GET' && /\/(hooks|webhooks)(\?|$)/.test(url)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ values: [], isLastPage: true, size: 0, start: 0, limit: 25, pagelen: 10 }));
        return;
      }
      const segment = url.split('/')[1] ?? '';
      const shape: EchoShape = (ECHO_SHAPES as readonly string[]).includes(segment) ? (segment as EchoShape) : 'json-401';
      const authorization = req.headers.authorization ?? '';
      const decoded = Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString('utf8');
      if (shape === 'ok-user-header') {
        // Success, with Data Center's user header naming a piece of the password instead of the user.
        const { status, type, body } = answer(shape, '');
        res.writeHead(status, { 'content-type': type, 'x-ausername': decoded.replace(/^[^:]*:/, '').slice(2, 26) });
        res.end(body);
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      // One thing per answer, right after the padding: a request body (the webhook secret) when there is one,
      // otherwise the header and its decoded form in turn.
      // A Bearer header decodes to nothing useful: it is echoed as it is; a Basic one in turn as sent and decoded.
      const whole = body !== '' ? secretOf(body) : authorization.startsWith('Basic ') && received.length % 2 === 0 ? decoded : authorization;
      // `cut-…`: the server itself cuts what it echoes, so no whole form of the secret is there to match.
      const echoed = shape.startsWith('cut-') ? whole.slice(0, -9) : whole;
      // 240 characters put a long Authorization header across a 300-character cut; a short webhook secret needs
      // more, so that its middle is where the cut falls.
      const padding = body === '' ? PADDING : 'x'.repeat(Math.max(240, 300 - Math.ceil(echoed.length / 2)));
      const echo = `${padding} ${echoed} (for ${url})`;
      const { status, type, body: text } = answer(shape, echo);
      res.writeHead(status, { 'content-type': type, 'retry-after': '0', 'www-authenticate': `Basic realm="${PADDING} ${authorization}"` });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
