#!/usr/bin/env node
/**
 * `bbsync-simulator`: starts the Bitbucket simulator (Cloud under /2.0, Data Center under
 * <context>/rest/api/1.0, control under /_sim/) and runs until SIGINT.
 *
 *   bbsync-simulator --seed 42 --size small --port 7990 --latency 20 --cloud-per-hour 1000
 */
import { parseArgs } from 'node:util';
import type { SimFaults, SimOptions, SimSizeName } from './api.js';
import { startSimulator } from './start.js';

const USAGE = `Usage: bbsync-simulator [options]
  --seed <n>               dataset seed (default 42)
  --size <name>            tiny | small | medium | large (default small)
  --port <n>               port (default 0 = any free port)
  --latency <ms|min-max>   extra latency per request
  --error-rate <p>         fraction of requests answering 5xx
  --rate-limit-rate <p>    fraction of requests answering 429 (storms)
  --retry-after            429s carry Retry-After
  --cloud-per-hour <n>     Cloud requests per rolling hour per identity (default 1000)
  --cloud-window-scale <f> shrink the Cloud rate-limit hour (e.g. 0.01)
  --dc-bucket <cap:fill>   Data Center token bucket (capacity:tokens per second)
  --context-path <path>    Data Center context path (default /bitbucket)
  --help`;

function parseLatency(value: string | undefined): SimFaults['latencyMs'] {
  if (value === undefined) return undefined;
  const range = /^(\d+)-(\d+)$/.exec(value);
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  return Number(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      size: { type: 'string' },
      port: { type: 'string' },
      latency: { type: 'string' },
      'error-rate': { type: 'string' },
      'rate-limit-rate': { type: 'string' },
      'retry-after': { type: 'boolean' },
      'cloud-per-hour': { type: 'string' },
      'cloud-window-scale': { type: 'string' },
      'dc-bucket': { type: 'string' },
      'context-path': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const faults: SimFaults = {
    ...(values.latency ? { latencyMs: parseLatency(values.latency) } : {}),
    ...(values['error-rate'] ? { serverErrorRate: Number(values['error-rate']) } : {}),
    ...(values['rate-limit-rate'] ? { rateLimitRate: Number(values['rate-limit-rate']) } : {}),
    ...(values['retry-after'] ? { retryAfter: true } : {}),
  };
  const bucket = values['dc-bucket'] ? values['dc-bucket'].split(':').map(Number) : undefined;
  const options: SimOptions = {
    seed: values.seed ? Number(values.seed) : 42,
    size: (values.size ?? 'small') as SimSizeName,
    port: values.port ? Number(values.port) : 0,
    faults,
    rateLimits: {
      ...(values['cloud-per-hour'] ? { cloudPerHour: Number(values['cloud-per-hour']) } : {}),
      ...(values['cloud-window-scale'] ? { cloudWindowScale: Number(values['cloud-window-scale']) } : {}),
      ...(values['retry-after'] ? { cloudRetryAfter: true } : {}),
      ...(bucket ? { dataCenterBucket: { capacity: bucket[0] ?? 60, fillPerSecond: bucket[1] ?? 5 } } : {}),
    },
    ...(values['context-path'] !== undefined ? { dataCenterContextPath: values['context-path'] } : {}),
  };
  const sim = await startSimulator(options);
  const lines = [
    `bbsync simulator (seed ${String(options.seed)}, size ${String(options.size)}) on ${sim.origin}`,
    `  Bitbucket Cloud:       ${sim.cloud.baseUrl}   (workspace ${sim.cloud.workspace})`,
    `  Bitbucket Data Center: ${sim.datacenter.baseUrl}`,
    `  Control API:           ${sim.origin}/_sim/  (cloud: /_sim/cloud/<method>, datacenter: /_sim/datacenter/<method>)`,
    '',
    '  Sample Cloud credentials:',
    ...Object.entries(sim.cloud.credentials).map(([name, c]) => `    ${name.padEnd(20)} ${JSON.stringify(c.config)}  ${c.description}`),
    '',
    '  Sample Data Center credentials:',
    ...Object.entries(sim.datacenter.credentials).map(([name, c]) => `    ${name.padEnd(20)} ${JSON.stringify(c.config)}  ${c.description}`),
    '',
    'Press Ctrl+C to stop.',
  ];
  console.log(lines.join('\n'));
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
