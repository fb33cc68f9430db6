export const id = 757;
export const ids = [757];
export const modules = {

/***/ 53757:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  findRunFolders: () => (/* binding */ findRunFolders)
});

// UNUSED EXPORTS: MERGE_HELP, mergeCommand

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ../core/dist/index.js + 53 modules
var dist = __webpack_require__(12228);
;// CONCATENATED MODULE: ./dist/merge/merge.js
/**
 * Merging with a report of what changed: core's `mergeRuns` folds the inputs into a snapshot; new, updated and
 * deleted per stream are then counted by comparing primary keys with the previous snapshot (a key set per
 * stream in memory, so this costs one pass over the previous snapshot, the runs and the new snapshot).
 */

async function keysByStream(dir, liveOnly) {
    const keys = new Map();
    for await (const record of readRecords(dir)) {
        if (liveOnly && record.deleted)
            continue;
        let set = keys.get(record.stream);
        if (!set)
            keys.set(record.stream, (set = new Set()));
        set.add(record.key);
    }
    return keys;
}
/**
 * Merges `previous` (if any) and `runs` (in any order) into `outputDir`; reports what changed per stream. Later
 * inputs win, so they are folded in the order their runs started (core's `orderMergeInputs`: a killed run has no
 * manifest, hence no finish time, but always its start marker).
 */
async function merge_mergeWithReport(options) {
    const inputs = await orderMergeInputs(options.runs, options.previous);
    const snapshot = await mergeRuns({ inputs, outputDir: options.outputDir });
    const before = options.previous ? await keysByStream(options.previous, true) : new Map();
    const after = await keysByStream(options.outputDir, true);
    const touched = new Map();
    for (const run of options.runs) {
        for (const [stream, keys] of await keysByStream(run, false)) {
            const set = touched.get(stream) ?? new Set();
            for (const key of keys)
                set.add(key);
            touched.set(stream, set);
        }
    }
    // A Map, then own properties: stream names come from folder names and may be `__proto__`.
    const streams = new Map();
    for (const stream of new Set([...before.keys(), ...after.keys(), ...Object.keys(snapshot.streams)])) {
        // Internal bookkeeping (partition tombstones) is not a dataset stream: it stays in the snapshot, out of reports.
        if (stream.startsWith('_'))
            continue;
        const old = before.get(stream) ?? new Set();
        const now = after.get(stream) ?? new Set();
        const rewritten = touched.get(stream) ?? new Set();
        let added = 0;
        let updated = 0;
        for (const key of now) {
            if (!old.has(key))
                added += 1;
            else if (rewritten.has(key))
                updated += 1;
        }
        let deleted = 0;
        for (const key of old)
            if (!now.has(key))
                deleted += 1;
        streams.set(stream, { records: now.size, added, updated, deleted });
    }
    return { snapshot, streams: Object.fromEntries(streams) };
}
//# sourceMappingURL=merge.js.map
// EXTERNAL MODULE: ./dist/cli/args.js
var args = __webpack_require__(29220);
;// CONCATENATED MODULE: ./dist/cli/merge.js
/**
 * `bbsync merge`: folds run folders (every shard's, every run's) and optionally the previous snapshot into one
 * compacted snapshot: the latest version of each record by primary key, deletions dropped. Run it after each
 * sync (the example workflow's merge job) and upload the snapshot as the next run's base.
 */







const MERGE_HELP = (/* unused pure expression or super */ null && (`Usage: bbsync merge --out <dir> [--snapshot <dir>] <run folder or folder of runs>...

Folds run folders into one snapshot by primary key (newest wins, deletion markers drop records). Inputs may be
run folders (with started.json / manifest.json / streams/) or folders holding them (e.g. what
actions/download-artifact wrote), in any order: runs are folded in the order they started, killed ones included.
Partial segments (\`*.partial\`, left by a crash) are never data and are ignored.

Options:
  -o, --out <dir>          where to write the new snapshot (must not be an input)
  -s, --snapshot <dir>     the previous snapshot to fold the runs into
      --json               print the merge report as JSON
  -h, --help               this help`));
/** Run folders below `path` (itself, or up to two levels down), in a stable order. */
async function findRunFolders(path, depth = 2) {
    const entries = await (0,promises_.readdir)(path, { withFileTypes: true }).catch(() => undefined);
    if (entries === undefined)
        throw new args/* UsageError */.eb(`${JSON.stringify(path)} is not a readable folder`);
    if (entries.some((e) => (e.isFile() && (e.name === 'manifest.json' || e.name === dist/* RUN_STARTED_FILE */.t3)) || (e.isDirectory() && e.name === 'streams')))
        return [path];
    if (depth === 0)
        return [];
    const found = [];
    for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
        found.push(...(await findRunFolders((0,external_node_path_.join)(path, entry.name), depth - 1)));
    }
    return found;
}
async function mergeCommand(args, io) {
    const parsed = parse(args, { out: { type: 'string', short: 'o' }, snapshot: { type: 'string', short: 's' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
    if (parsed.values.help) {
        io.terminal.out(MERGE_HELP);
        return 0;
    }
    const out = parsed.values.out;
    if (!out)
        throw new UsageError('--out is required (allowed: a folder path for the new snapshot)');
    if (parsed.positionals.length === 0 && !parsed.values.snapshot)
        throw new UsageError('no input given (allowed: one or more run folders)');
    const snapshotArg = parsed.values.snapshot;
    const snapshot = snapshotArg ? resolve(io.cwd, snapshotArg) : undefined;
    if (snapshot && !(await stat(snapshot).catch(() => undefined)))
        io.terminal.err(`note: no previous snapshot at ${snapshotArg}; starting a new one`);
    const runs = [];
    for (const input of parsed.positionals)
        runs.push(...(await findRunFolders(resolve(io.cwd, input))));
    const outDir = resolve(io.cwd, out);
    if (runs.includes(outDir) || outDir === snapshot)
        throw new UsageError('--out must not be one of the inputs');
    // mergeWithReport folds the runs in the order they started (a killed run has no finish time).
    const report = await mergeWithReport({ previous: snapshot && (await stat(snapshot).catch(() => undefined)) ? snapshot : undefined, runs, outputDir: outDir });
    if (parsed.values.json) {
        io.terminal.out(JSON.stringify(report, null, 2));
        return 0;
    }
    const t = io.terminal;
    t.out(`${t.bold('bbsync merge')}: ${runs.length} run folders${snapshot ? ' + the previous snapshot' : ''} -> ${out}`);
    t.out(textTable(['stream', 'records', 'new', 'updated', 'deleted'], Object.entries(report.streams).map(([stream, c]) => [stream, formatCount(c.records), formatCount(c.added), formatCount(c.updated), formatCount(c.deleted)])));
    return 0;
}
//# sourceMappingURL=merge.js.map

/***/ })

};
