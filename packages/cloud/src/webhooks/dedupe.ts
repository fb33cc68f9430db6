/**
 * Deduplicates webhook deliveries by `X-Request-UUID` (a delivery id: Bitbucket retries a delivery with the
 * same id and a higher `X-Attempt-Number`). A bounded LRU: memory stays constant however long it runs.
 */
export class DeliveryDeduper {
  readonly #capacity: number;
  readonly #seen = new Map<string, true>();

  /** @param capacity deliveries remembered (the least recently seen are forgotten first). @default 10000 */
  constructor(capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.#capacity = capacity;
  }

  /** True the first time a delivery id is seen (process it), false for a repeat (skip it). Ids without value are always new. */
  firstSeen(requestUuid: string | undefined | null): boolean {
    if (requestUuid === undefined || requestUuid === null || requestUuid === '') return true;
    if (this.#seen.has(requestUuid)) {
      this.#seen.delete(requestUuid);
      this.#seen.set(requestUuid, true);
      return false;
    }
    this.#seen.set(requestUuid, true);
    if (this.#seen.size > this.#capacity) {
      const oldest = this.#seen.keys().next().value as string;
      this.#seen.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }
}
