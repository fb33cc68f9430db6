/** Growable typed columns: compact storage for millions of rows (commits) without per-row objects. */

type TypedArray = Int32Array | Uint32Array | Float64Array | Uint16Array | Uint8Array;
type TypedArrayConstructor<T extends TypedArray> = new (length: number) => T;

/** A typed array that grows by doubling; `length` is the number of rows in use. */
export class Column<T extends TypedArray> {
  #data: T;
  readonly #make: TypedArrayConstructor<T>;
  length = 0;

  constructor(make: TypedArrayConstructor<T>, capacity = 16) {
    this.#make = make;
    this.#data = new make(Math.max(4, capacity));
  }

  get(index: number): number {
    return this.#data[index] as number;
  }

  set(index: number, value: number): void {
    this.#data[index] = value;
  }

  push(value: number): number {
    if (this.length === this.#data.length) {
      const bigger = new this.#make(this.#data.length * 2);
      bigger.set(this.#data as never);
      this.#data = bigger;
    }
    this.#data[this.length] = value;
    return this.length++;
  }

  /** Drops rows from `length` on. */
  truncate(length: number): void {
    this.length = Math.min(this.length, Math.max(0, length));
  }
}
