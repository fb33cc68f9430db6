/**
 * Runs a sync job in a fresh child process (see sync-process.ts) and returns what it measured.
 */
import type { SyncJob, SyncOutcome, SyncReplyMessage } from './protocol.js';
import { exited, forkChild } from './spawn.js';

/** Runs `job` in its own process; rejects when the sync fails to run at all. */
export async function runSyncInChild(job: SyncJob): Promise<SyncOutcome> {
  const child = forkChild('sync-process');
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
