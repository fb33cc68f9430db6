/**
 * A tiny glob matcher for repository and stream filters (core takes no dependency for this).
 * Supported, picomatch-like: `*` (any run of characters except `/`), `**` (anything, `/` included),
 * `?` (one character except `/`), `[abc]` / `[a-z]` / `[!abc]` classes, `{a,b}` alternatives and
 * `\` escapes. Matching is case-insensitive: Cloud slugs are lower-case and Data Center project keys
 * upper-case, and users write either.
 */

/** Compiles a glob into an anchored, case-insensitive regular expression. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  let braceDepth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    switch (char) {
      case '\\': {
        const next = pattern[i + 1];
        if (next !== undefined) {
          source += escape(next);
          i++;
        } else source += '\\\\';
        break;
      }
      case '*':
        if (pattern[i + 1] === '*') {
          // `**/` also matches zero directories.
          if (pattern[i + 2] === '/') {
            source += '(?:.*/)?';
            i += 2;
          } else {
            source += '.*';
            i++;
          }
        } else source += '[^/]*';
        break;
      case '?':
        source += '[^/]';
        break;
      case '[': {
        const close = pattern.indexOf(']', i + 2);
        if (close === -1) {
          source += '\\[';
          break;
        }
        let body = pattern.slice(i + 1, close);
        const negated = body.startsWith('!') || body.startsWith('^');
        if (negated) body = body.slice(1);
        source += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
        i = close;
        break;
      }
      case '{':
        braceDepth++;
        source += '(?:';
        break;
      case '}':
        if (braceDepth > 0) {
          braceDepth--;
          source += ')';
        } else source += '\\}';
        break;
      case ',':
        source += braceDepth > 0 ? '|' : ',';
        break;
      default:
        source += escape(char);
    }
  }
  // An unbalanced `{` is taken literally rather than producing an invalid expression.
  if (braceDepth > 0) return new RegExp(`^${escape(pattern)}$`, 'i');
  return new RegExp(`^${source}$`, 'i');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A predicate true when a name matches any of the patterns. */
export function globMatcher(patterns: readonly string[]): (name: string) => boolean {
  const expressions = patterns.map(globToRegExp);
  return (name) => expressions.some((expression) => expression.test(name));
}
