/**
 * Runs a sync job in a fresh child process (see sync-process.ts) and returns what it measured. The child runs
 * as the shipped entry points (the `bbsync` CLI, the action) run a sync: with their V8 flags and allocator
 * settings, so its memory is what a user's would be.
 */
import { ALLOCATOR_ENV, SYNC_V8_FLAGS } from '@bbsync/action';
import type { SyncJob, SyncOutcome, SyncReplyMessage } from './protocol.js';
import { exited, forkChild } from './spawn.js';

/**
 * Runs `job` in its own process; rejects when the sync fails to run at all. `nodeDefaults` runs it with
 * Node's defaults instead (to compare).
 */
export async function runSyncInChild(job: SyncJob, nodeDefaults = false): Promise<SyncOutcome> {
  const child = forkChild('sync-process', nodeDefaults ? {} : { v8Flags: SYNC_V8_FLAGS, env: { ...ALLOCATOR_ENV, ...process.env } });
  const answer = new Promise<SyncReplyMessage>((resolve, reject) => {
    child.once('message', (message: SyncReplyMessage) => resolve(message));
    child.once('exit', (code, signal) => reject(new Error(`sync process exited before answering (code ${code}, signal ${signal})`)));
  });
  child.send(job);
  try {
    const message = await answer;
    if (!message.ok) throw new Error(`sync process: ${message.error}`);
    return message.outcome;
  } finally {
    await exited(child);
  }
}
