/**
 * The attacker: a second local HTTP server on another origin that records every request it receives (and its
 * Authorization header). A `next` link or a redirect pointing here must never be followed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Attacker {
  readonly origin: string;
  /** `METHOD url authorization?` of every request received. */
  readonly received: string[];
  close(): Promise<void>;
}

export async function startAttacker(): Promise<Attacker> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    received.push(`${req.method ?? '?'} ${req.url ?? ''} ${req.headers.authorization ?? ''}`.trim());
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"values":[],"isLastPage":true,"size":0}');
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
