/** The CLI proper, loaded by `cli.ts` once the Node.js version is known to be supported. */
import { createTerminal } from './terminal.js';
import { runCli } from './run-cli.js';

export async function main(): Promise<never> {
  const code = await runCli(process.argv.slice(2), { terminal: createTerminal(), env: process.env, cwd: process.cwd() });
  process.exit(code);
}
