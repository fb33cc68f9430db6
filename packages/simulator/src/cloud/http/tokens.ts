/**
 * Opaque page tokens for iterator-based pagination ("the next link's value often contains an unpredictable
 * hash instead of an explicit page number"; PR commits answer `?page=1` with 400 "Invalid page"). A token
 * carries a few numbers and a MAC bound to the listing, so tokens cannot be made up or moved between
 * listings.
 */
import { createHmac } from 'node:crypto';

export class PageTokens {
  readonly #secret: string;

  constructor(seed: number) {
    this.#secret = `bbsync-sim-${seed}`;
  }

  encode(listing: string, numbers: readonly number[]): string {
    const payload = Buffer.alloc(numbers.length * 8);
    numbers.forEach((n, i) => payload.writeDoubleBE(n, i * 8));
    return Buffer.concat([payload, this.#tag(listing, payload)]).toString('base64url');
  }

  /** The numbers, or undefined for anything this listing did not issue. */
  decode(listing: string, token: string, count: number): number[] | undefined {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length !== count * 8 + 4) return undefined;
    const payload = bytes.subarray(0, count * 8);
    if (!this.#tag(listing, payload).equals(bytes.subarray(count * 8))) return undefined;
    return Array.from({ length: count }, (_, i) => payload.readDoubleBE(i * 8));
  }

  #tag(listing: string, payload: Buffer): Buffer {
    return createHmac('sha256', this.#secret).update(listing).update(payload).digest().subarray(0, 4);
  }
}
