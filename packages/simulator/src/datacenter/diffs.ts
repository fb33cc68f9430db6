/**
 * Diffs in Data Center's shapes, derived from `fidelity.ts`'s per-commit file changes: `RestPath`, the per-file
 * `RestDiff` (hunks of segments of lines), the pull request diff (`…/diff`, JSON; `….diff`, unified text) and
 * changes (`…/changes`, `RestChange`). Line texts are synthetic; counts and paths are consistent across all.
 */
import type { FileChange } from './fidelity.js';

/** `{components, parent, name, extension, toString}`. */
export function restPath(path: string): Record<string, unknown> {
  const components = path.split('/');
  const name = components[components.length - 1] as string;
  const dot = name.lastIndexOf('.');
  return {
    components,
    parent: components.slice(0, -1).join('/'),
    name,
    ...(dot > 0 ? { extension: name.slice(dot + 1) } : {}),
    toString: path,
  };
}

type Line = { source: number; destination: number; line: string; truncated: boolean };

function segment(type: 'ADDED' | 'REMOVED' | 'CONTEXT', lines: Line[]): Record<string, unknown> {
  return { type, lines, truncated: false };
}

/** One file's diff with a single hunk around `line` (the inline comment's line, or the change's start). */
/** `commentId`: the inline comment on `line`, named in that line's `commentIds`. */
export function fileDiff(path: string, line: number, lineType: 'ADDED' | 'CONTEXT' | 'REMOVED', salt: number, added = 1, removed = lineType === 'REMOVED' ? 1 : 0, commentId?: number): Record<string, unknown> {
  const start = Math.max(1, line - 2);
  const before: Line[] = [];
  for (let n = start; n < line; n++) before.push({ source: n, destination: n, line: `  context ${n} (${salt % 97})`, truncated: false });
  const removedLines: Line[] = Array.from({ length: removed }, (_, k) => ({ source: line + k, destination: line, line: `  old line ${line + k}`, truncated: false }));
  const addedLines: Line[] = Array.from({ length: Math.max(lineType === 'ADDED' ? 1 : 0, added) }, (_, k) => ({ source: line + removed, destination: line + k, line: `  new line ${line + k}`, truncated: false }));
  const after: Line[] = [{ source: line + removed, destination: line + addedLines.length, line: `  context ${line + 1}`, truncated: false }];
  if (commentId !== undefined) {
    const anchored = [...before, ...removedLines, ...addedLines, ...after].find((l) => (lineType === 'REMOVED' ? l.source : l.destination) === line);
    if (anchored) (anchored as Line & { commentIds?: number[] }).commentIds = [commentId];
  }
  const segments = [segment('CONTEXT', before), ...(removedLines.length > 0 ? [segment('REMOVED', removedLines)] : []), ...(addedLines.length > 0 ? [segment('ADDED', addedLines)] : []), segment('CONTEXT', after)].filter(
    (s) => (s['lines'] as Line[]).length > 0,
  );
  return {
    source: restPath(path),
    destination: restPath(path),
    hunks: [{ sourceLine: start, sourceSpan: line - start + removed + 1, destinationLine: start, destinationSpan: line - start + addedLines.length + 1, segments, truncated: false }],
    truncated: false,
  };
}

/** `GET …/pull-requests/{id}/diff`: every changed file's diff. */
export function pullRequestDiff(changes: readonly FileChange[], fromHash: string, toHash: string, contextLines: number): Record<string, unknown> {
  return {
    fromHash,
    toHash,
    contextLines,
    whitespace: 'SHOW',
    diffs: changes.map((c, k) => {
      const diff = fileDiff(c.path, 10 + k, 'ADDED', k, Math.min(c.added, 20), Math.min(c.removed, 20));
      return c.type === 'ADD' ? { ...diff, source: null } : diff;
    }),
    truncated: false,
  };
}

/** `GET …/pull-requests/{id}.diff`: the same as a unified diff (text/plain). */
export function unifiedDiff(changes: readonly FileChange[]): string {
  const out: string[] = [];
  changes.forEach((c, k) => {
    const added = Math.min(c.added, 20);
    const removed = Math.min(c.removed, 20);
    const line = 10 + k;
    out.push(`diff --git ${c.type === 'ADD' ? '/dev/null' : `src://${c.path}`} dst://${c.path}`);
    if (c.type === 'ADD') out.push('new file mode 100644');
    out.push(`--- ${c.type === 'ADD' ? '/dev/null' : `src://${c.path}`}`, `+++ dst://${c.path}`);
    out.push(`@@ -${line},${removed} +${line},${added} @@`);
    for (let n = 0; n < removed; n++) out.push(`-  old line ${line + n}`);
    for (let n = 0; n < added; n++) out.push(`+  new line ${line + n}`);
  });
  return `${out.join('\n')}\n`;
}

/** One `RestChange` of `…/changes`. */
export function restChange(change: FileChange, contentId: string, fromContentId: string, href: string): Record<string, unknown> {
  return {
    contentId,
    ...(change.type === 'ADD' ? {} : { fromContentId }),
    path: restPath(change.path),
    executable: false,
    percentUnchanged: -1,
    type: change.type,
    nodeType: 'FILE',
    ...(change.type === 'ADD' ? {} : { srcExecutable: false }),
    links: { self: [{ href }] },
    properties: { gitChangeType: change.type },
  };
}
