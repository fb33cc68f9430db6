/** One API call as route handlers see it. */
import type { SimRequest } from '../../server.js';
import type { RenderContext } from '../render/context.js';
import type { CloudState } from '../state.js';
import type { CloudIdentity } from './auth.js';

export interface Call {
  readonly request: SimRequest;
  /** Query parameters (for form-encoded POSTs, the body's parameters are merged in). */
  readonly query: URLSearchParams;
  readonly params: Readonly<Record<string, string>>;
  readonly identity: CloudIdentity;
  readonly ctx: RenderContext;
  readonly state: CloudState;
  /** Path below /2.0 (no query). */
  readonly path: string;
}
