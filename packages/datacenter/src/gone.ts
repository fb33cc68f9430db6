/**
 * Deletion is confirmed before it is written: an object missing from a listing may only be hidden (a lost
 * permission, a filter, a listing that moved while it was read), so it is written as deleted only when a GET
 * of the object itself answers 404.
 */
import type { PartitionContext } from '@bbsync/core';

/** True when `url` answers 404; false for 200 and for 401/403 (it may exist, hidden from this credential). */
export async function confirmedGone(ctx: PartitionContext<any, any, any>, url: string, repository?: string): Promise<boolean> {
  const response = await ctx.client.request({
    url,
    expect: [401, 403, 404],
    context: repository === undefined ? { stream: ctx.stream } : { stream: ctx.stream, repository },
    signal: ctx.signal,
  });
  return response.status === 404;
}
