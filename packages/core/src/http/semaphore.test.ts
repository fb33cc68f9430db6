import { describe, expect, it } from 'vitest';
import { BbsyncError } from '../errors.js';
import { Semaphore } from './semaphore.js';

describe('Semaphore', () => {
  it('admits up to the limit, then hands slots over in FIFO order', async () => {
    const semaphore = new Semaphore(2);
    const first = await semaphore.acquire();
    await semaphore.acquire();
    const order: number[] = [];
    const third = semaphore.acquire().then((release) => (order.push(3), release));
    const fourth = semaphore.acquire().then((release) => (order.push(4), release));
    expect(semaphore.active).toBe(2);
    first();
    first(); // idempotent: releasing twice frees one slot only
    (await third)();
    (await fourth)();
    expect(order).toEqual([3, 4]);
  });

  it('a waiter whose signal aborts leaves the queue with cancelled', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(BbsyncError);
    await expect(waiting).rejects.toMatchObject({ code: 'cancelled' });
    release();
    expect(semaphore.active).toBe(0);
    (await semaphore.acquire())();
  });

  it('rejects a bad limit', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
