/**
 * The subset of the simulator's programmatic API (packages/simulator/src/api.ts) these tests use, restated so
 * that the tests compile against the contract whatever the simulator's index exports at the moment.
 */

import type { SimCredential, SimFaults, SimOptions } from '@bbsync/simulator';

export type { SimCredential };
export type SimulatorFaults = SimFaults;
export type SimulatorOptions = SimOptions;

export type ApiObject = Record<string, unknown>;

/** Cloud ground truth (see packages/simulator/src/cloud/truth.ts). Per-PR keys are `${repositoryUuid}#${id}`. */
export interface CloudTruth {
  readonly workspace: string;
  readonly repositories: readonly ApiObject[];
  readonly members: readonly ApiObject[];
  readonly pullrequests: Readonly<Record<string, readonly ApiObject[]>>;
  readonly activity: Readonly<Record<string, readonly ApiObject[]>>;
  readonly comments: Readonly<Record<string, readonly ApiObject[]>>;
  readonly prCommits: Readonly<Record<string, readonly ApiObject[]>>;
  readonly commits: Readonly<Record<string, readonly ApiObject[]>>;
  readonly pipelines: Readonly<Record<string, readonly ApiObject[]>>;
}

/** Data Center ground truth (see packages/simulator/src/datacenter/types.ts). Per-PR keys are `${repositoryId}/${id}`. */
export interface DataCenterTruth {
  readonly projects: readonly ApiObject[];
  readonly repositories: readonly ApiObject[];
  readonly commits: Readonly<Record<number, readonly ApiObject[]>>;
  readonly pullRequests: Readonly<Record<number, readonly ApiObject[]>>;
  readonly activities: Readonly<Record<string, readonly ApiObject[]>>;
  readonly prCommits: Readonly<Record<string, readonly ApiObject[]>>;
  readonly users: readonly ApiObject[];
}

export interface SimCounters {
  total: number;
  byEndpoint: Record<string, number>;
  byCredential: Record<string, number>;
  byStatus: Record<string, number>;
}

export interface SimApi<Control, Truth> {
  readonly baseUrl: string;
  readonly credentials: Readonly<Record<string, SimCredential>>;
  readonly control: Control;
  groundTruth(): Truth;
  counters(): SimCounters;
  resetCounters(): void;
}

export interface CloudControlLike {
  repositories(): string[];
  renameRepository(repo: string, newName: string): string;
  deleteRepository(repo: string): void;
  openPullRequest(repo: string, options?: { title?: string; commits?: number }): number;
  updatePullRequest(repo: string, id: number, options: { title?: string; pushCommits?: number }): void;
  approvePullRequest(repo: string, id: number, user?: string | number): void;
  commentOnPullRequest(repo: string, id: number, options?: { text?: string }): number;
  mergePullRequest(repo: string, id: number): string;
  declinePullRequest(repo: string, id: number): void;
  startPipeline(repo: string): string;
  finishPipeline(repo: string, uuid: string): void;
  setFaults(faults: SimulatorFaults | undefined): void;
  resetRateLimits(): void;
  pushCommits(repo: string, options?: { count?: number }): string[];
  /** Identifiers of the ground truth (cheap). */
  truthIds(): unknown;
}

export interface DataCenterControlLike {
  addUser(o: { slug: string; displayName?: string; password?: string; sysAdmin?: boolean; projects?: string[] }): { credential: SimCredential };
  createRepository(o: { projectKey: string; name: string; commits?: number }): ApiObject;
  createProject(o: { key: string; name?: string }): ApiObject;
  setFaults(o: { faults?: SimulatorFaults }): void;
  resetRateLimits(): void;
  pushCommits(o: { projectKey: string; slug: string; count?: number }): unknown;
  openPullRequest(o: { projectKey: string; slug: string; title?: string }): ApiObject;
  updatePullRequest(o: { projectKey: string; slug: string; id: number; title?: string }): ApiObject;
  commentPullRequest(o: { projectKey: string; slug: string; id: number; text?: string }): ApiObject;
  mergePullRequest(o: { projectKey: string; slug: string; id: number }): ApiObject;
  declinePullRequest(o: { projectKey: string; slug: string; id: number }): ApiObject;
  deleteRepository(o: { projectKey: string; slug: string }): void;
}

export interface Simulator {
  readonly origin: string;
  readonly cloud: SimApi<CloudControlLike, CloudTruth> & { readonly workspace: string };
  readonly datacenter: SimApi<DataCenterControlLike, DataCenterTruth>;
  /** Simulated time (both APIs). */
  now(): number;
  /** Advances simulated time. */
  advance(ms: number): void;
  close(): Promise<void>;
}
