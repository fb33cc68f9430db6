/**
 * Deterministic identifiers derived from numbers, so commit hashes never need to be stored: a commit's 40-hex id is
 * a pure function of (dataset seed, commit sequence number).
 */

/** murmur3's 32-bit finalizer: a fast, well-mixed bijection on 32-bit integers. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of several integers. */
export function hashInts(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) h = mix32(h ^ mix32((v | 0) + 0x9e3779b9));
  return h;
}

/** A 40-hex commit id for commit `seq` of the dataset seeded with `seed`. */
export function commitHash(seed: number, seq: number): string {
  let out = '';
  for (let word = 0; word < 5; word++) out += hashInts(seed, seq, word, 0x5eed).toString(16).padStart(8, '0');
  return out;
}

/** A uniform number in [0, 1) from integers, for per-entity derived choices that must not consume an Rng. */
export function unitFrom(...values: number[]): number {
  return hashInts(...values) / 4294967296;
}
