import { describe, expect, it } from 'vitest';
import { KILL_AT_VARIABLE, KillSwitch } from './kill-points.js';

describe('KillSwitch (test-only crash points)', () => {
  it('is off unless the variable names one of the points asked for, with a count from 1', () => {
    const points = ['segment-synced', 'segment-renamed'] as const;
    expect(KillSwitch.fromEnvironment(points, {})).toBeUndefined();
    expect(KillSwitch.fromEnvironment(points, { [KILL_AT_VARIABLE]: '' })).toBeUndefined();
    expect(KillSwitch.fromEnvironment(points, { [KILL_AT_VARIABLE]: 'state-renamed:1' })).toBeUndefined();
    expect(KillSwitch.fromEnvironment(points, { [KILL_AT_VARIABLE]: 'segment-synced:0' })).toBeUndefined();
    expect(KillSwitch.fromEnvironment(points, { [KILL_AT_VARIABLE]: 'segment-synced' })).toBeUndefined();
    expect(KillSwitch.fromEnvironment(points, { [KILL_AT_VARIABLE]: 'segment-synced:2' })).toBeInstanceOf(KillSwitch);
  });

  it('ignores the points it was not armed for and arrivals before the n-th', () => {
    const armed = KillSwitch.fromEnvironment(['segment-renamed'], { [KILL_AT_VARIABLE]: 'segment-renamed:3' });
    // Reaching other points, and the armed one twice, leaves this process alive (the third arrival would kill it).
    armed?.reached('segment-synced');
    armed?.reached('segment-renamed');
    armed?.reached('segment-renamed');
    expect(armed).toBeDefined();
  });
});
