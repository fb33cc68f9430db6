export { runBenchmarks, syncJobFor, type BenchOptions, type BenchRun } from './bench.js';
export { parseBenchArgs, USAGE, type BenchArgs } from './cli-args.js';
export * from './floors.js';
export { allSessions, selectSessions, MEDIUM, LARGE, SMALL, type Session, type Step, type StepKind } from './scenarios.js';
export { renderReport, stepSection, stepTable, type MachineInfo, type ReportInput } from './report.js';
export { checkStep, TARGETS } from './targets.js';
export type * from './results.js';
export type * from './protocol.js';
