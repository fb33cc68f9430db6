/** A section of BENCHMARKS.md that another measurement owns, kept between its own markers across rewrites. */
import { readFile, writeFile } from 'node:fs/promises';

/** Replaces the text from `start` to `end` in `file` with `section` (which carries both markers), or appends it. */
export async function replaceSection(file: string, start: string, end: string, section: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const at = text.indexOf(start);
  const until = text.indexOf(end);
  const next = at >= 0 && until > at ? `${text.slice(0, at)}${section}${text.slice(until + end.length)}` : `${text.replace(/\n*$/, '\n\n')}${section}\n`;
  await writeFile(file, next);
}
