/**
 * Where accepted deliveries go: webhook run folders beside the sync's (`<dir>/<time>-webhooks-<source>/`, the
 * layout of any run folder, so `bbsync merge` folds them in by primary key), and the delivery journal.
 *
 * Durability, in this order, before a delivery is acknowledged: its records are written to segments that are
 * fsync'd and renamed to their final names (core's run writer, as a sync's checkpoint does), then its id is
 * appended to the journal and fsync'd. A kill before the records are final loses nothing (no 2xx was sent, so
 * Bitbucket redelivers); a kill between the two steps makes the redelivery write the same records again under
 * the same keys, which merge folds into one.
 *
 * Deliveries arriving together are committed together (one fsync round for the batch), so a burst costs a
 * few fsyncs, not one per delivery. A folder is closed with its `manifest.json` after `rotateMs` (and on
 * shutdown), so the folders' times order webhook records against sync runs.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RunWriter, writeFileAtomic, type Clock, type ParsedDelivery, type PartitionWriter, type RunManifest } from '@bbsync/core';
import { DeliveryJournal } from './delivery-journal.js';

export interface WebhookStoreOptions {
  /** The folder of run folders (the sync's `output.dir`, `.bbsync/runs` by default). */
  readonly dir: string;
  readonly clock: Clock;
  /** How long one webhook run folder collects records before the next starts. @default 300000 (5 minutes) */
  readonly rotateMs?: number | undefined;
  /** Delivery ids remembered for deduplication. @default 200000 */
  readonly journalCapacity?: number | undefined;
}

/** One accepted delivery to make durable. */
export interface AcceptedDelivery {
  readonly source: string;
  readonly id: string;
  readonly parsed: ParsedDelivery;
}

interface OpenFolder {
  readonly runId: string;
  readonly path: string;
  readonly writer: RunWriter;
  readonly startedAt: number;
  readonly counts: Map<string, { records: number; deleted: number; partitions: Set<string> }>;
}

interface Pending {
  readonly delivery: AcceptedDelivery;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export const JOURNAL_FILE = 'webhook-deliveries.log';

export class WebhookStore {
  readonly #options: WebhookStoreOptions;
  readonly #journal: DeliveryJournal;
  readonly #folders = new Map<string, OpenFolder>();
  #queue: Pending[] = [];
  #committing: Promise<void> | undefined;
  /** Records made durable since the store opened. */
  records = 0;

  private constructor(options: WebhookStoreOptions, journal: DeliveryJournal) {
    this.#options = options;
    this.#journal = journal;
  }

  static async open(options: WebhookStoreOptions): Promise<WebhookStore> {
    await mkdir(options.dir, { recursive: true });
    const journal = await DeliveryJournal.open(join(options.dir, JOURNAL_FILE), options.journalCapacity);
    return new WebhookStore(options, journal);
  }

  /** True when this delivery was already made durable (now or before a restart). */
  seen(source: string, id: string): boolean {
    return this.#journal.has(source, id);
  }

  /** Resolves once the delivery's records and id are durable. */
  commit(delivery: AcceptedDelivery): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ delivery, resolve, reject });
      this.#committing ??= this.#drain();
    });
  }

  /** Waits for commits in flight, then closes every folder with its manifest. */
  async close(): Promise<void> {
    await this.#committing;
    for (const source of [...this.#folders.keys()]) await this.#closeFolder(source);
    await this.#journal.close();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        try {
          await this.#write(batch.map((pending) => pending.delivery));
          for (const pending of batch) pending.resolve();
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.#committing = undefined;
    }
  }

  async #write(batch: readonly AcceptedDelivery[]): Promise<void> {
    const now = this.#options.clock.now();
    const syncedAt = new Date(now).toISOString();
    // One partition writer per (source, partition): its segments become final together on flush.
    const writers = new Map<string, { readonly folder: OpenFolder; readonly writer: PartitionWriter }>();
    for (const { source, parsed } of batch) {
      if (parsed.records.length === 0 || parsed.repository === undefined) continue;
      const folder = await this.#folder(source, now);
      const id = `${source}\u0000${parsed.repository.key}`;
      let entry = writers.get(id);
      if (entry === undefined) {
        entry = { folder, writer: folder.writer.partition(parsed.repository) };
        writers.set(id, entry);
      }
      for (const record of parsed.records) {
        await entry.writer.write({ stream: record.stream, key: record.key, partition: parsed.repository.key, synced_at: syncedAt, deleted: record.deleted, data: record.data });
        const counts = folder.counts.get(record.stream) ?? { records: 0, deleted: 0, partitions: new Set<string>() };
        if (record.deleted) counts.deleted += 1;
        else counts.records += 1;
        counts.partitions.add(parsed.repository.key);
        folder.counts.set(record.stream, counts);
      }
    }
    await Promise.all([...writers.values()].map((entry) => entry.writer.flush()));
    await this.#journal.append(batch.map(({ source, id }) => ({ source, id })));
    this.records += batch.reduce((sum, { parsed }) => sum + (parsed.repository === undefined ? 0 : parsed.records.length), 0);
  }

  /** The open folder of `source`, rotated when older than `rotateMs`. */
  async #folder(source: string, now: number): Promise<OpenFolder> {
    const open = this.#folders.get(source);
    if (open !== undefined && now - open.startedAt < (this.#options.rotateMs ?? 300_000)) return open;
    if (open !== undefined) await this.#closeFolder(source);
    const runId = `${new Date(now).toISOString().replace(/:/g, '-').replace('.', '-')}-webhooks-${source}`;
    const path = join(this.#options.dir, runId);
    const folder: OpenFolder = { runId, path, writer: await RunWriter.create(path), startedAt: now, counts: new Map() };
    this.#folders.set(source, folder);
    return folder;
  }

  async #closeFolder(source: string): Promise<void> {
    const folder = this.#folders.get(source);
    if (folder === undefined) return;
    this.#folders.delete(source);
    const streams = Object.fromEntries(
      [...folder.counts].map(([stream, counts]) => [
        stream,
        { records: counts.records, deleted: counts.deleted, partitions: counts.partitions.size, failedPartitions: 0, requests: 0, durationMs: 0 },
      ]),
    );
    const manifest: RunManifest & { kind: string } = {
      version: 1,
      tool: 'bbsync',
      kind: 'webhooks',
      source,
      scope: `webhooks:${source}`,
      runId: folder.runId,
      startedAt: new Date(folder.startedAt).toISOString(),
      finishedAt: new Date(this.#options.clock.now()).toISOString(),
      status: 'complete',
      streams,
      requests: { total: 0, retries: 0, rateLimited: 0, rateLimitWaitMs: 0, byCredential: [] },
      errors: [],
      absences: [],
      remaining: [],
      files: folder.writer.files(),
      cursorsBefore: null,
      cursorsAfter: null,
    };
    await writeFileAtomic(join(folder.path, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
}
