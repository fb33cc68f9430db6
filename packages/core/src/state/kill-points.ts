/**
 * Test-only kill points on the write path. The end-to-end crash suite runs syncs in child processes with
 * `BBSYNC_TEST_KILL_AT=<point>:<n>`: the process SIGKILLs itself the n-th time it reaches that point, so a crash
 * can land exactly between an fsync and a rename, which no outside signal can aim at. Production never sets
 * the variable; unset (or not matching the format), every hook is a no-op and nothing is read again.
 *
 * Points: `segment-synced` (a segment's `.partial` file fsync'd, not renamed), `segment-renamed` (renamed to its
 * final name, the folder not yet fsync'd, the cursor not committed), `state-before-rename` (the new state
 * document written and fsync'd as a temp file), `state-renamed` (renamed over the state file).
 */

/** The environment variable that arms a kill point (tests only). */
export const KILL_AT_VARIABLE = 'BBSYNC_TEST_KILL_AT';

export const KILL_POINTS = ['segment-synced', 'segment-renamed', 'state-before-rename', 'state-renamed'] as const;

export type KillPoint = (typeof KILL_POINTS)[number];

/** Counts the armed point per instance (one run writer, one state store per process) and kills at the n-th. */
export class KillSwitch {
  readonly #point: KillPoint;
  readonly #at: number;
  #seen = 0;

  private constructor(point: KillPoint, at: number) {
    this.#point = point;
    this.#at = at;
  }

  /** The switch armed by `BBSYNC_TEST_KILL_AT` for one of `points`, or undefined (always, in production). */
  static fromEnvironment(points: readonly KillPoint[], env: NodeJS.ProcessEnv = process.env): KillSwitch | undefined {
    const match = /^([a-z-]+):([1-9]\d*)$/.exec(env[KILL_AT_VARIABLE] ?? '');
    if (match === null) return undefined;
    const point = points.find((candidate) => candidate === match[1]);
    return point === undefined ? undefined : new KillSwitch(point, Number(match[2]));
  }

  /** Called at each point: the n-th arrival at the armed one kills the process on the spot. */
  reached(point: KillPoint): void {
    if (point !== this.#point) return;
    this.#seen += 1;
    if (this.#seen === this.#at) process.kill(process.pid, 'SIGKILL');
  }
}
