/**
 * A clock that runs `speedUp` times faster than the wall clock. Budgets count in hours; the simulator can
 * shrink its hour (`cloudWindowScale`), and the sync's clock must shrink it the same way or it would pace
 * itself for a real hour.
 */
import { systemClock, type Clock } from '@bbsync/core';

/** A clock whose time passes `speedUp` times faster than real time (1 = the system clock). */
export function fastClock(speedUp: number): Clock {
  if (speedUp === 1) return systemClock;
  const origin = Date.now();
  return {
    now: () => origin + (Date.now() - origin) * speedUp,
    sleep: (ms, signal) => systemClock.sleep(ms / speedUp, signal),
  };
}
