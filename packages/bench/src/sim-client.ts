/**
 * The parent's handle on the simulator process: one request at a time or many, matched by id.
 */
import type { ChildProcess } from 'node:child_process';
import type { SimOptions } from '@bbsync/simulator';
import type { ApiKind, Census, ChangeSummary, SimCounters, SimReplyMessage, SimRequestMessage, SimStarted } from './protocol.js';
import { exited, forkChild } from './spawn.js';

type Body<T extends SimRequestMessage['type']> = Omit<Extract<SimRequestMessage, { type: T }>, 'id' | 'type'>;

/** A simulator running in its own process. */
export class SimProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  #exitError: Error | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: SimReplyMessage) => {
      const waiter = this.#pending.get(message.id);
      if (!waiter) return;
      this.#pending.delete(message.id);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(`simulator process: ${message.error}`));
    });
    child.once('exit', (code, signal) => {
      this.#exitError = new Error(`simulator process exited (code ${code}, signal ${signal})`);
      for (const waiter of this.#pending.values()) waiter.reject(this.#exitError);
      this.#pending.clear();
    });
  }

  /** Forks the simulator process and starts a simulator in it. */
  static async start(options: SimOptions, credentialCount: number): Promise<{ sim: SimProcess; started: SimStarted }> {
    // The large workspace's ground truth is rendered in this process: give it room.
    const sim = new SimProcess(forkChild('sim-process', { heapMb: 8192 }));
    try {
      const started = (await sim.#call('start', { options, credentialCount })) as SimStarted;
      return { sim, started };
    } catch (error) {
      await sim.close();
      throw error;
    }
  }

  /**
   * The listings a full sync reads, from ground truth. `snapshot` remembers the records now, so that the next
   * census counts what changed since.
   */
  census(api: ApiKind, snapshot: boolean): Promise<Census> {
    return this.#call('census', { api, snapshot }) as Promise<Census>;
  }

  counters(api: ApiKind): Promise<SimCounters> {
    return this.#call('counters', { api }) as Promise<SimCounters>;
  }

  resetCounters(): Promise<void> {
    return this.#call('reset-counters', {}) as Promise<void>;
  }

  /** Changes about `fraction` of the data through the control API. */
  change(api: ApiKind, fraction: number, seed: number): Promise<ChangeSummary> {
    return this.#call('change', { api, fraction, seed }) as Promise<ChangeSummary>;
  }

  /** Switches the injected latency (0 for the baseline's request count). */
  setLatency(latencyMs: number): Promise<void> {
    return this.#call('set-latency', { latencyMs }) as Promise<void>;
  }

  /** Resolves with the epoch-ms time of the first request received after this call. */
  firstRequestAfterNow(): Promise<number> {
    return this.#call('watch-first-request', {}) as Promise<number>;
  }

  async close(): Promise<void> {
    if (this.#exitError === undefined && this.#child.connected) {
      await this.#call('close', {}).catch(() => undefined);
    }
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await exited(this.#child);
    clearTimeout(timer);
  }

  #call<T extends SimRequestMessage['type']>(type: T, body: Body<T>): Promise<unknown> {
    if (this.#exitError) return Promise.reject(this.#exitError);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ id, type, ...body } as SimRequestMessage, (error) => {
        if (error) {
          this.#pending.delete(id);
          reject(error);
        }
      });
    });
  }
}
