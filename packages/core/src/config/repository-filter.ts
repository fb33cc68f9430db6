import { configError } from '../errors.js';
import { globMatcher } from '../http/glob.js';

/** Which repositories a run syncs, by their canonical name (`workspace/slug` or `PROJECT/slug`). */
export interface RepositoryFilter {
  /** Glob patterns; empty means every repository. */
  readonly include: readonly string[];
  /** Glob patterns of repositories to skip, applied after `include`. */
  readonly exclude: readonly string[];
  /**
   * Exact names (case-insensitive) a targeted run is restricted to, on top of `include`/`exclude`: the
   * repositories a webhook said changed. Absent or empty means no restriction.
   */
  readonly only?: readonly string[] | undefined;
}

/**
 * Validates a `{ include?, exclude? }` filter. Errors name the field and what is allowed; `example` shows a
 * pattern in the connector's own naming (e.g. `"my-team/api-*"` or `"PROJ/api-*"`).
 */
export function parseRepositoryFilter(value: unknown, field: string, example: string): RepositoryFilter {
  if (value === undefined) return { include: [], exclude: [] };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw configError(field, 'must be an object', '{ include?: string[], exclude?: string[] }');
  }
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (key !== 'include' && key !== 'exclude' && key !== 'only') throw configError(`${field}.${key}`, 'is not a repository filter', 'include, exclude, only');
  }
  const only = input.only === undefined ? [] : patterns(input.only, `${field}.only`, example.replace(/\*/g, 'x'));
  return {
    include: patterns(input.include, `${field}.include`, example),
    exclude: patterns(input.exclude, `${field}.exclude`, example),
    ...(only.length === 0 ? {} : { only }),
  };
}

function patterns(value: unknown, field: string, example: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.trim() === '')) {
    throw configError(field, 'must be a list of glob patterns', `non-empty strings, e.g. [${example}]`);
  }
  return value as string[];
}

/** A predicate on canonical repository names (case-insensitive globs: `*` within a segment, `**` across). */
export function repositoryMatcher(filter: RepositoryFilter): (name: string) => boolean {
  const include = filter.include.length === 0 ? () => true : globMatcher(filter.include);
  const exclude = filter.exclude.length === 0 ? () => false : globMatcher(filter.exclude);
  const only = filter.only === undefined || filter.only.length === 0 ? undefined : new Set(filter.only.map((name) => name.toLowerCase()));
  return (name) => include(name) && !exclude(name) && (only === undefined || only.has(name.toLowerCase()));
}
