/**
 * The simulator process: hosts one @bbsync/simulator and answers the benchmark's requests over IPC (start,
 * census from ground truth, counters, the 1% change through the control API, latency switches). It is its
 * own process so the sync's peak RSS and CPU are the sync's alone.
 */
import type { CredentialConfig } from '@bbsync/core';
import { startSimulator, type SimFaults } from '@bbsync/simulator';
import { CensusBuilder, dataCenterCensus, type DataCenterTruthLike, type Snapshot, type TruthReader } from './census.js';
import { cloudCensus, type CloudTruthLike, type CommitIds } from './census-cloud.js';
import { changeCloud, type CloudChangeTruth, type CloudControlLike } from './change-cloud.js';
import { changeDataCenter, type DataCenterChangeTruth, type DataCenterControlLike } from './change-datacenter.js';
import type { ApiEndpoint, ApiKind, SimCounters, SimReplyMessage, SimRequestMessage, SimStarted } from './protocol.js';

/** The parts of a running simulator this process uses (see @bbsync/simulator's api.ts). */
interface ApiHandleLike {
  readonly baseUrl: string;
  readonly credentials: Readonly<Record<string, { readonly description: string; readonly config: CredentialConfig; readonly scopes: readonly string[] }>>;
  readonly control: unknown;
  groundTruth(): unknown;
  requestLog(): readonly { readonly method: string; readonly endpoint: string; readonly status: number }[];
  counters(): { total: number };
  resetCounters(): void;
}

interface RunningSimulatorLike {
  readonly origin: string;
  readonly cloud: ApiHandleLike & { readonly workspace: string };
  readonly datacenter: ApiHandleLike;
  advance(ms: number): void;
  close(): Promise<void>;
}

/**
 * Replaces the faults of one API at run time: Cloud's `control.setFaults(faults)`, Data Center's
 * `control.setFaults({ faults })`. False when the API cannot.
 */
function setFaults(api: ApiKind, handle: ApiHandleLike, faults: SimFaults): boolean {
  const control = handle.control as { setFaults?: (o: unknown) => void } | undefined;
  if (typeof control?.setFaults !== 'function') return false;
  control.setFaults(api === 'cloud' ? faults : { faults });
  return true;
}

/**
 * Up to `count` credentials with full read access and distinct rate-limit identities: Data Center's admin plus system
 * administrators added through the control API; Cloud's two workspace access tokens (each access token is its
 * own identity) and the admin's API token (the user's identity).
 */
function credentialsFor(api: ApiKind, handle: ApiHandleLike, count: number): CredentialConfig[] {
  const out: CredentialConfig[] = [];
  if (api === 'datacenter') {
    const admin = handle.credentials.admin;
    if (admin) out.push(admin.config);
    const control = handle.control as { addUser?: (o: { slug: string; sysAdmin: boolean }) => { credential: { config: CredentialConfig } } };
    for (let i = out.length; i < count && control.addUser; i++) out.push(control.addUser({ slug: `bench-${i}`, sysAdmin: true }).credential.config);
  } else {
    // Three identities: two workspace access tokens (each its own budget) and the admin's API token.
    for (const name of ['workspaceToken', 'workspaceToken2', 'apiToken']) {
      const sample = handle.credentials[name];
      if (sample && out.length < count) out.push(sample.config);
    }
  }
  // Fewer than asked for (Cloud has three identities): the scenario of this API checks that it got enough.
  return out.map((config, index) => ({ ...config, label: `bench-${index}` }));
}

function endpointOf(api: ApiKind, sim: RunningSimulatorLike, count: number): ApiEndpoint {
  if (api === 'cloud') return { baseUrl: sim.cloud.baseUrl, workspace: sim.cloud.workspace, credentials: credentialsFor('cloud', sim.cloud, count) };
  const baseUrl = sim.datacenter.baseUrl;
  return { baseUrl, serverUrl: baseUrl.replace(/\/rest\/api\/(1\.0|latest)\/?$/, ''), credentials: credentialsFor('datacenter', sim.datacenter, count) };
}

/** Cloud's cheap truth identifiers (`control.truthIds().commits`), when the simulator has them. */
function cloudCommitIds(handle: ApiHandleLike): CommitIds | undefined {
  const control = handle.control as { truthIds?: () => { commits: CommitIds } };
  return typeof control.truthIds === 'function' ? control.truthIds().commits : undefined;
}

/** Requests received, by status and by `<METHOD> <endpoint template>`. */
function countersOf(handle: ApiHandleLike): SimCounters {
  const byStatus: Record<string, number> = {};
  const byEndpoint: Record<string, number> = {};
  const log = handle.requestLog();
  for (const entry of log) {
    byStatus[entry.status] = (byStatus[entry.status] ?? 0) + 1;
    const endpoint = `${entry.method} ${entry.endpoint}`;
    byEndpoint[endpoint] = (byEndpoint[endpoint] ?? 0) + 1;
  }
  return { total: log.length, byStatus, byEndpoint };
}

/** Polls the request counters until one moves; resolves with the time it moved. */
function firstRequest(sim: RunningSimulatorLike): Promise<number> {
  const before = sim.cloud.counters().total + sim.datacenter.counters().total;
  return new Promise((resolve) => {
    const poll = () => {
      if (sim.cloud.counters().total + sim.datacenter.counters().total > before) resolve(Date.now());
      else setTimeout(poll, 1);
    };
    poll();
  });
}

/** The simulator host: state kept between requests. */
class SimHost {
  sim: RunningSimulatorLike | undefined;
  faults: SimFaults = {};
  readonly snapshots = new Map<ApiKind, Snapshot>();

  running(): RunningSimulatorLike {
    if (!this.sim) throw new Error('the simulator is not started');
    return this.sim;
  }

  handle(api: ApiKind): ApiHandleLike {
    return api === 'cloud' ? this.running().cloud : this.running().datacenter;
  }

  async handleMessage(message: SimRequestMessage): Promise<unknown> {
    switch (message.type) {
      case 'start': {
        this.faults = message.options.faults ?? {};
        this.sim = (await startSimulator(message.options)) as unknown as RunningSimulatorLike;
        const started: SimStarted = {
          origin: this.sim.origin,
          cloud: endpointOf('cloud', this.sim, message.credentialCount),
          datacenter: endpointOf('datacenter', this.sim, message.credentialCount),
          latencySwitchable: typeof (this.sim.cloud.control as { setFaults?: unknown }).setFaults === 'function' && typeof (this.sim.datacenter.control as { setFaults?: unknown }).setFaults === 'function',
        };
        return started;
      }
      case 'census': {
        const builder = new CensusBuilder(this.snapshots.get(message.api), message.snapshot);
        const handle = this.handle(message.api);
        // A fresh truth per kind: each kind is built on first read and kept by its truth object, so reading
        // kinds from one object would hold the whole large workspace at once.
        const read = <T,>(kind: keyof T): T[keyof T] => (handle.groundTruth() as T)[kind];
        const census =
          message.api === 'cloud'
            ? cloudCensus(read as TruthReader<CloudTruthLike>, builder, message.snapshot ? undefined : cloudCommitIds(handle))
            : dataCenterCensus(read as TruthReader<DataCenterTruthLike>, builder);
        if (builder.next) this.snapshots.set(message.api, builder.next);
        return census;
      }
      case 'counters':
        return countersOf(this.handle(message.api));
      case 'reset-counters':
        this.running().cloud.resetCounters();
        this.running().datacenter.resetCounters();
        return undefined;
      case 'change': {
        const sim = this.running();
        // Changes happen an hour after the previous sync, as a scheduled job would see them.
        sim.advance(3_600_000);
        const handle = this.handle(message.api);
        const summary =
          message.api === 'cloud'
            ? changeCloud(handle.control as CloudControlLike, handle.groundTruth() as CloudChangeTruth, message.fraction, message.seed)
            : changeDataCenter(handle.control as DataCenterControlLike, handle.groundTruth() as DataCenterChangeTruth, message.fraction, message.seed);
        sim.advance(60_000);
        return summary;
      }
      case 'set-latency': {
        this.faults = { ...this.faults, latencyMs: message.latencyMs };
        const ok = setFaults('cloud', this.running().cloud, this.faults) && setFaults('datacenter', this.running().datacenter, this.faults);
        if (!ok) throw new Error('the simulator cannot switch faults at run time');
        return undefined;
      }
      case 'watch-first-request':
        return firstRequest(this.running());
      case 'close':
        await this.sim?.close();
        this.sim = undefined;
        setImmediate(() => process.disconnect());
        return undefined;
    }
  }
}

if (process.send !== undefined) {
  const host = new SimHost();
  process.on('message', (message: SimRequestMessage) => {
    host
      .handleMessage(message)
      .then((value): SimReplyMessage => ({ id: message.id, ok: true, value }))
      .catch((error: unknown): SimReplyMessage => ({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
      .then((reply) => process.send?.(reply));
  });
  process.on('disconnect', () => {
    void host.sim?.close().finally(() => process.exit(0));
    if (!host.sim) process.exit(0);
  });
}
