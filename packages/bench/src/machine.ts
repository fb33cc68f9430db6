/** The machine a benchmark ran on, for the report. */
import { cpus, release, totalmem, type } from 'node:os';
import type { MachineInfo } from './report.js';

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown CPU',
    cores: list.length,
    memoryBytes: totalmem(),
    os: `${type()} ${release()}`,
    node: process.versions.node,
  };
}
