/** What a command may touch: its terminal, environment and working folder (injected for tests). */
import type { Terminal } from './terminal.js';

export interface CommandIo {
  readonly terminal: Terminal;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}
