/**
 * An in-memory Bitbucket Data Center listing with the real paging semantics: `start`/`limit`, a hard limit
 * that silently clamps `limit` (reported in the response's `limit`), and sparse starts: visible items sit at
 * increasing raw positions with hidden items in between, so `nextPageStart` may jump past `start + limit`
 * (as `projects?limit=1` answering `nextPageStart: 2`) without skipping a visible item. Any request whose
 * `start` is not the last issued `nextPageStart`, or whose other parameters differ from the first request's,
 * gets a 400, so a client that computes `start + limit` or drops a parameter fails.
 */
import type { TransportRequest } from '../../http/types.js';
import type { FakeServer, ServerAnswer } from './fake-transport.js';

export const DC_ORIGIN = 'https://bitbucket.example.com:8443';
export const DC_BASE = `${DC_ORIGIN}/bitbucket/rest/api/1.0`;
export const DC_PATH = '/projects/PRJ/repos/widgets/pull-requests';

export interface FakeDataCenterOptions<T> {
  readonly items: readonly T[];
  /** Raw position of each visible item, strictly increasing (gaps are hidden items). */
  readonly positions: readonly number[];
  /** The server's hard limit (`page.max.*`). */
  readonly maxLimit: number;
  /**
   * How a page is cut. `visible` (default): `limit` visible items from `start`, and `nextPageStart` is the raw
   * position after the last one served, or (`jumpToNextVisible`) the position of the next visible item.
   * `raw`: the raw window `[start, start + limit)` with its hidden items left out, so pages may be short or
   * empty before the last one, and `nextPageStart` is `start + limit`.
   */
  readonly window?: 'visible' | 'raw' | undefined;
  readonly jumpToNextVisible: boolean;
  /**
   * How the last page says so: `null` (`isLastPage: true, nextPageStart: null`), `absent` (no
   * `nextPageStart`), or `stuck` (`isLastPage: false, nextPageStart: null`, as some servers answer).
   */
  readonly lastPage: 'null' | 'absent' | 'stuck';
  /** Replaces `nextPageStart` on a page (loops): given the page index, the page's `start` and the regular value. */
  readonly nextOverride?: ((page: number, start: number, regular: number | undefined) => number | undefined) | undefined;
}

export class FakeDataCenterServer<T> implements FakeServer {
  /** Page index of each `start` the server expects (0 first, then every `nextPageStart` it issued). */
  readonly #pageOfStart = new Map<number, number>([[0, 0]]);
  #firstParams: string | undefined;

  constructor(readonly options: FakeDataCenterOptions<T>) {}

  /** The page size the server applies to a requested `limit`. */
  effectiveLimit(requested: number): number {
    return Math.min(requested, this.options.maxLimit);
  }

  answer(url: URL, _request: TransportRequest): ServerAnswer {
    if (url.pathname !== `/bitbucket/rest/api/1.0${DC_PATH}`) return { status: 404, json: error('Not found') };
    const params = new URLSearchParams(url.search);
    const start = Number(params.get('start') ?? '0');
    params.delete('start');
    const others = params.toString();
    this.#firstParams ??= others;
    if (others !== this.#firstParams) return { status: 400, json: error(`parameters changed: ${others}`) };
    const page = this.#pageOfStart.get(start);
    if (page === undefined) return { status: 400, json: error(`start ${start} was never issued`) };
    const limit = this.effectiveLimit(Number(params.get('limit') ?? '25'));
    const { items, positions } = this.options;
    const from = firstAtOrAfter(positions, start);
    const raw = this.options.window === 'raw';
    const values = raw ? items.slice(from, firstAtOrAfter(positions, start + limit)) : items.slice(from, from + limit);
    const after = from + values.length; // index of the next visible item
    const last = after >= items.length;
    const lastPosition = positions[after - 1] ?? start - 1;
    let nextPageStart: number | undefined = last
      ? undefined
      : raw
        ? start + limit
        : this.options.jumpToNextVisible
          ? (positions[after] ?? lastPosition + 1)
          : lastPosition + 1;
    if (this.options.nextOverride !== undefined) nextPageStart = this.options.nextOverride(page, start, nextPageStart);
    if (nextPageStart !== undefined && !this.#pageOfStart.has(nextPageStart)) this.#pageOfStart.set(nextPageStart, page + 1);
    const body: Record<string, unknown> = { size: values.length, limit, start, values };
    if (nextPageStart !== undefined) Object.assign(body, { isLastPage: false, nextPageStart });
    else if (this.options.lastPage === 'null') Object.assign(body, { isLastPage: true, nextPageStart: null });
    else if (this.options.lastPage === 'absent') Object.assign(body, { isLastPage: true });
    else Object.assign(body, { isLastPage: false, nextPageStart: null });
    return { status: 200, json: body, page };
  }
}

/** Index of the first visible item at a raw position >= `start` (the item count when none). */
function firstAtOrAfter(positions: readonly number[], start: number): number {
  const index = positions.findIndex((position) => position >= start);
  return index === -1 ? positions.length : index;
}

function error(message: string): unknown {
  return { errors: [{ context: null, message, exceptionName: null }] };
}
