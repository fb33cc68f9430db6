/**
 * What answered 404 (Not Found) in this run. Several items can name the same resource (every activity item of a
 * deleted pull request names it), and asking again only learns the same absence at the cost of a request from an
 * hourly budget. One memo per run, handed to every partition through its context (not module state: two runs in
 * one process, or a run and its retry, must not share what they learned).
 */
export class NotFoundMemo {
  readonly #paths = new Set<string>();

  /** True when `path` (an API path, as requested) answered 404 earlier in this run. */
  has(path: string): boolean {
    return this.#paths.has(path);
  }

  /** Remembers that `path` answered 404. */
  add(path: string): void {
    this.#paths.add(path);
  }

  /** Paths remembered so far. */
  get size(): number {
    return this.#paths.size;
  }
}
