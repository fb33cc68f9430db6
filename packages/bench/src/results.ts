/**
 * What one measured step produced, and the checks of its figures against floors and targets.
 */
import type { EnrichmentRule, RequestFloor } from './floors.js';
import type { Census, ChangeSummary, SyncOutcome } from './protocol.js';
import type { Session, Step } from './scenarios.js';

export interface BaselineFigures {
  readonly requests: number;
  readonly items: number;
  /** Requests × the scenario's latency: the sequential script's wall time. */
  readonly derivedWallMs: number;
  /** True when the figure is the previous step's (same data, a stateless re-read costs the same). */
  readonly reused: boolean;
}

/** One enrichment's requests in a step: "commit details: N requests for M PR hashes". */
export interface EnrichmentFigures {
  readonly rule: EnrichmentRule;
  /** Requests the sync sent for it. */
  readonly requests: number;
  /** Things it wanted to fill (e.g. pull request hashes). */
  readonly wanted: number;
  /** The least requests that fill them (the rest come free with listings of the specification). */
  readonly least: number;
}

/** How a multi-credential step's wall time compares with the same scenario on one credential. */
export interface ScalingFigures {
  readonly credentials: number;
  readonly referenceStep: string;
  readonly referenceWallMs: number;
  readonly referenceFloorMs: number;
}

export interface StepResult {
  readonly session: Session;
  readonly step: Step;
  readonly census: Census;
  /** The floor under the stated assumptions. */
  readonly floor: RequestFloor;
  /** The floor when no unverified assumption holds. */
  readonly pessimisticFloor: RequestFloor;
  /** The request floor the step is held to (the listing floor, ÷ (1 − 429 rate) in a 429 storm). */
  readonly requestFloor: number;
  /** The pessimistic floor, ÷ (1 − 429 rate) in a 429 storm. */
  readonly pessimisticRequestFloor: number;
  /** Requests beyond the specification, one entry per enrichment of the API. */
  readonly enrichments: readonly EnrichmentFigures[];
  /** For a step of a credential-scaling series after its first. */
  readonly scaling?: ScalingFigures | undefined;
  readonly outcome: SyncOutcome;
  /** Requests the simulator received from the sync, by listing id. */
  readonly requestsByListing: Readonly<Record<string, number>>;
  /** Requests of the sync that read no listing (single GETs, enrichments), by endpoint. */
  readonly otherRequests: Readonly<Record<string, number>>;
  /** Requests the simulator received from the sync (should equal the client's count). */
  readonly serverRequests: number;
  readonly baseline?: BaselineFigures | undefined;
  /** Wall-time floor from latency, for the floor's requests. */
  readonly latencyFloorMs: number;
  /** Wall-time floor from budgets (or 429s), for the floor's requests, where they bind. */
  readonly rateFloorMs?: number | undefined;
  /** Peak RSS of the medium full sync of the same API, for comparison. */
  readonly memoryReferenceBytes?: number | undefined;
  readonly change?: ChangeSummary | undefined;
  /** The nothing-changed allowance: 2 per repository plus the listing pages. */
  readonly unchangedAllowance?: number | undefined;
}

export type Verdict = 'PASS' | 'MISS' | 'n/a';

/** One row of a step's table: a figure beside its floor or reference, and its target. */
export interface FigureCheck {
  readonly figure: string;
  readonly measured: string;
  readonly reference: string;
  readonly ratio: string;
  readonly target: string;
  readonly verdict: Verdict;
  /** Why a target was missed (or a note). */
  readonly why?: string | undefined;
}
