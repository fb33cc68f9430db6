/** Milliseconds of an ISO date (Bitbucket sends microseconds; they do not matter at minute-sized overlaps), or NaN. */
export function millis(date: string | undefined): number {
  return date === undefined ? Number.NaN : Date.parse(date);
}

/** An ISO date in UTC with milliseconds, as BBQL accepts it unquoted (`updated_on > 2015-11-11T00:00:00.000Z`). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The later of two ISO dates (undefined-tolerant). */
export function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return millis(b) > millis(a) ? b : a;
}
