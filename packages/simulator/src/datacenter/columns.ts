/**
 * Growable typed-array columns: the dataset keeps one number per entity per field instead of one object per entity,
 * so the `large` size (1,000,000 commits) stays a few tens of megabytes and generates in seconds.
 */
type TypedArray = Int32Array | Float64Array | Uint8Array;

abstract class Column<A extends TypedArray> {
  protected data: A;
  #length = 0;
  constructor(capacity: number) {
    this.data = this.allocate(Math.max(16, capacity));
  }
  protected abstract allocate(capacity: number): A;
  get length(): number {
    return this.#length;
  }
  /** Appends a value and returns its index. */
  push(value: number): number {
    if (this.#length === this.data.length) {
      const bigger = this.allocate(this.data.length * 2);
      bigger.set(this.data as never);
      this.data = bigger;
    }
    this.data[this.#length] = value;
    return this.#length++;
  }
  get(index: number): number {
    return this.data[index] as number;
  }
  set(index: number, value: number): void {
    this.data[index] = value;
  }
}

/** A growable Int32 column. */
export class Int32Column extends Column<Int32Array> {
  protected allocate(capacity: number): Int32Array {
    return new Int32Array(capacity);
  }
}

/** A growable Float64 column (epoch milliseconds; NaN means "none"). */
export class Float64Column extends Column<Float64Array> {
  protected allocate(capacity: number): Float64Array {
    return new Float64Array(capacity);
  }
}

/** A growable Uint8 column (enums and flags). */
export class Uint8Column extends Column<Uint8Array> {
  protected allocate(capacity: number): Uint8Array {
    return new Uint8Array(capacity);
  }
}
