/** The request log and counters of one simulator (per endpoint template, per credential, per status). */
import type { RequestLogEntry } from '../api.js';

export interface Counters {
  total: number;
  byEndpoint: Record<string, number>;
  byCredential: Record<string, number>;
  byStatus: Record<string, number>;
}

export class RequestRecorder {
  #log: RequestLogEntry[] = [];

  record(entry: RequestLogEntry): void {
    this.#log.push(entry);
  }

  log(): readonly RequestLogEntry[] {
    return [...this.#log];
  }

  /** Counts API requests only (control calls are logged but not counted). */
  counters(): Counters {
    const counters: Counters = { total: 0, byEndpoint: {}, byCredential: {}, byStatus: {} };
    for (const e of this.#log) {
      if (e.api !== 'datacenter') continue;
      counters.total++;
      counters.byEndpoint[e.endpoint] = (counters.byEndpoint[e.endpoint] ?? 0) + 1;
      counters.byCredential[e.credential] = (counters.byCredential[e.credential] ?? 0) + 1;
      counters.byStatus[String(e.status)] = (counters.byStatus[String(e.status)] ?? 0) + 1;
    }
    return counters;
  }

  reset(): void {
    this.#log = [];
  }
}
