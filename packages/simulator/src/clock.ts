/** The simulated "now", shared by both APIs of one simulator: advanced by the control API, never by the wall clock alone. */
export class SimClock {
  #now: number;
  constructor(start = Date.UTC(2026, 10, 1, 12, 0, 0)) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): number {
    this.#now += Math.max(0, ms);
    return this.#now;
  }
  iso(at = this.#now): string {
    return new Date(at).toISOString();
  }
}
