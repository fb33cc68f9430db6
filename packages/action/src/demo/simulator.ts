/**
 * The simulator for tests and the demo, loaded with a dynamic import: @bbsync/simulator is a devDependency and
 * must never be bundled into dist/ (ncc follows static imports only; the specifier is a variable).
 */
import type { SimCredential, SimOptions, Simulator } from '@bbsync/simulator';
import { applyScriptedActivity, type ActivityReport } from './activity.js';

const SIMULATOR_MODULE = '@bbsync/simulator';

interface SimulatorModule {
  startSimulator(options?: SimOptions): Promise<Simulator>;
}

/** Loads @bbsync/simulator (a devDependency); throws a clear error when it is not installed. */
export async function loadSimulator(): Promise<SimulatorModule> {
  try {
    return (await import(SIMULATOR_MODULE)) as SimulatorModule;
  } catch (error) {
    throw new Error(`@bbsync/simulator is not available (it is a development dependency of @bbsync/action): ${error instanceof Error ? error.message : String(error)}`);
  }
}

export interface TestSimulator {
  readonly origin: string;
  readonly cloud: { readonly baseUrl: string; readonly workspace: string; readonly credentials: Readonly<Record<string, SimCredential>> };
  readonly datacenter: { readonly baseUrl: string; readonly serverUrl: string; readonly credentials: Readonly<Record<string, SimCredential>> };
  readonly raw: Simulator;
  /** Scripted activity on both APIs (new commits, a force-push, PR updates, comments, pipelines, a rename, a deletion). */
  applyActivity(): Promise<ActivityReport>;
  close(): Promise<void>;
}

export interface TestSimulatorOptions {
  readonly size?: SimOptions['size'];
  readonly seed?: number;
  /** Fixed latency per request (slows a sync down so it can be interrupted). */
  readonly latencyMs?: number;
}

/** Starts the simulator with a fixed seed. */
export async function startTestSimulator(options: TestSimulatorOptions = {}): Promise<TestSimulator> {
  const { startSimulator } = await loadSimulator();
  const raw = await startSimulator({
    seed: options.seed ?? 7,
    size: options.size ?? 'tiny',
    ...(options.latencyMs ? { faults: { seed: 1, latencyMs: options.latencyMs } } : {}),
  });
  const serverUrl = raw.datacenter.baseUrl.replace(/\/rest\/api\/[^/]+\/?$/, '');
  return {
    origin: raw.origin,
    cloud: { baseUrl: raw.cloud.baseUrl, workspace: raw.cloud.workspace, credentials: raw.cloud.credentials },
    datacenter: { baseUrl: raw.datacenter.baseUrl, serverUrl, credentials: raw.datacenter.credentials },
    raw,
    applyActivity: () => applyScriptedActivity(raw),
    close: () => raw.close(),
  };
}

/** The credential config of the most capable sample credential (never a revoked or restricted one). */
export function pickCredential(credentials: Readonly<Record<string, SimCredential>>): SimCredential['config'] {
  const preferred = credentials.workspaceToken ?? credentials.admin;
  if (preferred) return preferred.config;
  const entries = Object.entries(credentials).filter(([name, c]) => !/revoked|invalid|expired|read.?only|no[A-Z_]|limited|restricted/i.test(`${name} ${c.description}`));
  entries.sort((a, b) => b[1].scopes.length - a[1].scopes.length);
  const chosen = entries[0] ?? Object.entries(credentials)[0];
  if (!chosen) throw new Error('the simulator offers no credential');
  return chosen[1].config;
}
