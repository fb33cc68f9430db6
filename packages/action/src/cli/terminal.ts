/** Terminal output: styled in an interactive terminal, plain in CI logs and pipes (no ANSI codes). */

export interface Terminal {
  /** True when stderr is an interactive terminal and not CI: progress lines may be rewritten in place. */
  readonly interactive: boolean;
  /** Results (stdout). */
  out(text: string): void;
  /** Progress and messages (stderr). */
  err(text: string): void;
  /** Rewrites the current status line (interactive) or does nothing (plain). */
  status(text: string): void;
  /** Clears the status line. */
  clearStatus(): void;
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
}

export interface TerminalStreams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A terminal over the given streams; ANSI only when stderr is a TTY and neither CI nor NO_COLOR is set. */
export function createTerminal(streams: TerminalStreams = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Terminal {
  const ci = streams.env.CI !== undefined && streams.env.CI !== '' && streams.env.CI !== 'false';
  const interactive = streams.stderr.isTTY === true && !ci;
  const color = interactive && streams.env.NO_COLOR === undefined;
  const paint = (code: string) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  let statusShown = false;
  const clearStatus = () => {
    if (statusShown) streams.stderr.write('\r\u001b[2K');
    statusShown = false;
  };
  return {
    interactive,
    out: (text) => {
      clearStatus();
      streams.stdout.write(`${text}\n`);
    },
    err: (text) => {
      clearStatus();
      streams.stderr.write(`${text}\n`);
    },
    status: (text) => {
      if (!interactive) return;
      const width = Math.max(20, (streams.stderr.columns ?? 100) - 1);
      streams.stderr.write(`\r\u001b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      statusShown = true;
    },
    clearStatus,
    bold: paint('1'),
    dim: paint('2'),
    green: paint('32'),
    yellow: paint('33'),
    red: paint('31'),
  };
}

/** A plain-text table with right-aligned numeric columns. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => /^[\d,.]+( ?(ms|s|min|h))?$|^-$/.test(row[i] ?? '')));
  const line = (row: readonly string[]) =>
    row.map((value, i) => (numeric[i] ? value.padStart(widths[i] as number) : value.padEnd(widths[i] as number))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
