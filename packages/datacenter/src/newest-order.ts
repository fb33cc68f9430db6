/**
 * What `order=NEWEST` sorts pull requests by is not documented (DC spec: "the order to return pull requests
 * in, either OLDEST or NEWEST"); peers assume `updatedDate` (Faros stops at the first `updatedDate <= cursor`)
 * and nobody verified it. So bbsync does not assume: it learns the order from the data.
 *
 * Two candidate orders, each falsifiable by one adjacent pair of a listing:
 * - a later item with a larger `updatedDate` than the item before it proves the order is NOT by updated date;
 * - a later item with a larger `createdDate` proves it is NOT by created date.
 * Only an order proven by elimination is trusted: `updated` (created was refuted) allows the incremental
 * early stop; `created`, `other` (both refuted) and unknown (neither refuted yet) read the whole listing,
 * which is correct whatever the order. The evidence is kept in every repository's cursor and pooled across
 * repositories (the order is a property of the server), so one repository's proof serves them all.
 */

/** What NEWEST was proven to sort by. */
export type NewestOrder = 'updated' | 'created' | 'other';

interface Dated {
  readonly createdDate: number;
  readonly updatedDate: number;
}

/** Evidence about the NEWEST order, accumulated over listings. */
export class NewestOrderEvidence {
  #notByUpdated: boolean;
  #notByCreated: boolean;
  #previous: Dated | undefined;

  /** Starts from what earlier runs proved. */
  constructor(...prior: readonly (NewestOrder | undefined)[]) {
    this.#notByUpdated = prior.some((order) => order === 'created' || order === 'other');
    this.#notByCreated = prior.some((order) => order === 'updated' || order === 'other');
  }

  /** Starts a new listing (pairs never span two listings). */
  restart(): void {
    this.#previous = undefined;
  }

  /** Observes the next item of a NEWEST listing. */
  observe(item: Dated): void {
    const previous = this.#previous;
    if (previous !== undefined) {
      if (item.updatedDate > previous.updatedDate) this.#notByUpdated = true;
      if (item.createdDate > previous.createdDate) this.#notByCreated = true;
    }
    this.#previous = item;
  }

  /** The order proven so far, or undefined while neither candidate is refuted. */
  get order(): NewestOrder | undefined {
    if (this.#notByUpdated && this.#notByCreated) return 'other';
    if (this.#notByCreated) return 'updated';
    if (this.#notByUpdated) return 'created';
    return undefined;
  }

  /** True when NEWEST is proven to sort by updated date, newest first: a listing may stop at the cursor. */
  get byUpdatedDate(): boolean {
    return this.order === 'updated';
  }
}
