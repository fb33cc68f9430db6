/** A tiny Cloud client for the simulator's own tests (follows `next`, counts requests). */
import type { SimCredential } from '../api.js';

export interface FetchResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  readonly json: any;
}

export function authorizationOf(credential: SimCredential): string {
  const c = credential.config;
  if (c.accessToken) return `Bearer ${c.accessToken}`;
  const user = c.email ?? c.username ?? '';
  const secret = c.apiToken ?? c.password ?? '';
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

export class CloudClient {
  readonly base: string;
  authorization: string | undefined;

  constructor(base: string, credential?: SimCredential) {
    this.base = base;
    this.authorization = credential ? authorizationOf(credential) : undefined;
  }

  async get(pathOrUrl: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<FetchResult> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.base}${pathOrUrl}`;
    const headers: Record<string, string> = { ...init.headers };
    if (this.authorization) headers['authorization'] = this.authorization;
    const response = await fetch(url, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body } : {}) });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  /** Follows `next` links from `path`; returns every value and the number of pages. */
  async all(path: string): Promise<{ values: any[]; pages: number; bodies: any[] }> {
    const values: any[] = [];
    const bodies: any[] = [];
    let next: string | undefined = path;
    let pages = 0;
    while (next) {
      const page = await this.get(next);
      if (page.status !== 200) throw new Error(`${next}: HTTP ${page.status} ${page.text}`);
      pages++;
      bodies.push(page.json);
      values.push(...(page.json.values as unknown[]));
      next = page.json.next as string | undefined;
      if (pages > 10_000) throw new Error('runaway pagination');
    }
    return { values, pages, bodies };
  }
}
