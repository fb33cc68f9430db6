/**
 * Targeted syncs: collects the repositories webhooks named and, once per window, asks GitHub to start the
 * bbsync workflow for just those (`POST /repos/{owner}/{repo}/dispatches` with
 * `{event_type, client_payload: {source, repositories}}`; 204 on success). `repositories` is one
 * comma-separated string, the form the action's `only-repositories` input takes. A failed dispatch keeps its
 * repositories for the next window; a lost one (the receiver killed inside a window) only delays them to the
 * next scheduled run, which reconciles everything.
 */
import type { Logger } from '@bbsync/core';

export interface DispatcherOptions {
  /** GitHub's API base. @default https://api.github.com */
  readonly apiUrl: string;
  /** `owner/name` of the repository holding the bbsync workflow. */
  readonly repository: string;
  readonly token: string;
  /** Debounce window: one dispatch per source per window. */
  readonly windowMs: number;
  /** @default bbsync-webhook */
  readonly eventType?: string | undefined;
  readonly logger: Logger;
  /** Injected for tests. @default globalThis.fetch */
  readonly fetch?: typeof fetch | undefined;
}

export class RepositoryDispatcher {
  readonly #options: DispatcherOptions;
  readonly #pending = new Map<string, Set<string>>();
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> | undefined;
  /** Dispatches GitHub accepted. */
  sent = 0;

  constructor(options: DispatcherOptions) {
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(options.repository)) throw new Error('the GitHub repository must be owner/name');
    this.#options = options;
  }

  /** Notes that `repository` of `source` changed; dispatches after the window. */
  note(source: string, repository: string): void {
    const names = this.#pending.get(source) ?? new Set<string>();
    names.add(repository);
    this.#pending.set(source, names);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#options.windowMs);
  }

  /** Sends what is pending now (shutdown calls this). */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    await this.#sending;
    const batches = [...this.#pending];
    this.#pending.clear();
    if (batches.length === 0) return;
    this.#sending = this.#send(batches);
    await this.#sending;
    this.#sending = undefined;
  }

  async #send(batches: readonly [string, Set<string>][]): Promise<void> {
    const send = this.#options.fetch ?? fetch;
    for (const [source, names] of batches) {
      const repositories = [...names].sort();
      let status = 0;
      try {
        const response = await send(`${this.#options.apiUrl.replace(/\/+$/, '')}/repos/${this.#options.repository}/dispatches`, {
          method: 'POST',
          headers: {
            accept: 'application/vnd.github+json',
            authorization: `Bearer ${this.#options.token}`,
            'content-type': 'application/json',
            'user-agent': 'bbsync-webhooks',
            'x-github-api-version': '2022-11-28',
          },
          body: JSON.stringify({ event_type: this.#options.eventType ?? 'bbsync-webhook', client_payload: { source, repositories: repositories.join(',') } }),
          signal: AbortSignal.timeout(30_000),
        });
        status = response.status;
        await response.arrayBuffer().catch(() => undefined);
      } catch {
        status = 0;
      }
      if (status >= 200 && status < 300) {
        this.sent += 1;
        this.#options.logger.info('repository_dispatch sent', { source, repositories: repositories.length });
        continue;
      }
      // Kept for the next window; the message names the status only (never the token or the response body).
      this.#options.logger.warn(`repository_dispatch failed (HTTP ${status || 'no response'}); retrying in the next window`, { source });
      const kept = this.#pending.get(source) ?? new Set<string>();
      for (const name of repositories) kept.add(name);
      this.#pending.set(source, kept);
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        void this.flush();
      }, this.#options.windowMs);
    }
  }

  /** Stops the timer without sending (tests). */
  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
