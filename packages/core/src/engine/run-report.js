/** What a run did, gathered while it runs, for the manifest. Record counts only include durable (flushed) records. */
export class RunReport {
    errors = [];
    absences = [];
    remaining = [];
    notes = { idle_skip: 0, full_resync: 0 };
    #outputs = new Map();
    #definitions = new Map();
    constructor(selection) {
        for (const planned of selection.definitions) {
            const name = planned.definition.name;
            this.#definitions.set(name, {
                scope: planned.definition.scope,
                outputs: planned.outputs,
                partitions: 0,
                failedPartitions: 0,
                requests: 0,
                durationMs: 0,
            });
            for (const output of planned.outputs)
                this.#outputs.set(output, { records: 0, deleted: 0, definition: name });
        }
    }
    /** Counts records and deletion markers once they are durable. */
    addDurable(output, records, deleted) {
        const counts = this.#outputs.get(output);
        if (counts === undefined)
            return;
        counts.records += records;
        counts.deleted += deleted;
    }
    /** Accounts a partition that ended, however it ended. */
    addPartition(definition, outcome, requests, durationMs) {
        const counts = this.#definitions.get(definition);
        if (counts === undefined)
            return;
        if (outcome === 'done')
            counts.partitions += 1;
        if (outcome === 'failed')
            counts.failedPartitions += 1;
        counts.requests += requests;
        counts.durationMs += durationMs;
    }
    addError(definition, partition, error) {
        this.errors.push({
            stream: definition,
            partition: partition.name,
            code: error.code,
            message: error.message,
            ...(error.status === undefined ? {} : { status: error.status }),
            hint: error.hint,
        });
    }
    addRemaining(definition, partition) {
        this.remaining.push({ stream: definition, partition: partition.name });
    }
    /** Partitions that finished and that failed, over every definition. */
    totals() {
        let done = 0;
        let failed = 0;
        for (const counts of this.#definitions.values()) {
            done += counts.partitions;
            failed += counts.failedPartitions;
        }
        return { done, failed };
    }
    definitions() {
        return Object.fromEntries([...this.#definitions].map(([name, counts]) => [name, { ...counts, requests: Math.round(counts.requests) }]));
    }
    /** Per selected output: its own record counts, and its definition's partition, request and time counts. */
    streams() {
        const result = {};
        for (const [output, counts] of this.#outputs) {
            const definition = this.#definitions.get(counts.definition);
            result[output] = {
                records: counts.records,
                deleted: counts.deleted,
                partitions: definition.partitions,
                failedPartitions: definition.failedPartitions,
                requests: Math.round(definition.requests),
                durationMs: definition.durationMs,
            };
        }
        return result;
    }
}
//# sourceMappingURL=run-report.js.map