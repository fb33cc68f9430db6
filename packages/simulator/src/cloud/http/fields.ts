/**
 * `fields=` partial responses: "1. Removal of select fields (e.g. -links) 2. Pulling in additional fields not
 * normally returned by an endpoint, while still getting all the default fields (e.g. +reviewers) 3. Omitting
 * all fields, except those specified (e.g. owner.display_name)". "The asterisk can be used to match all
 * fields on a particular level." (API intro, "Partial responses").
 *
 * Rules apply in order; a later rule wins. A whitelist drops everything else, the pagination keys included:
 * `fields=values.id` answers without `next` (the trap DevLake avoids by whitelisting `next,page,pagelen`).
 * Hidden paths (reviewers and participants in list items, a member's email) appear only when a rule names
 * them or an ancestor explicitly.
 */

interface Rule {
  readonly include: boolean;
  readonly path: readonly string[];
}

export interface FieldsSpec {
  readonly rules: readonly Rule[];
  readonly whitelist: boolean;
}

/** Parses the parameter. `+` must arrive URL-encoded (%2B); a literal space (a decoded `+`) matches nothing. */
export function parseFields(param: string | null): FieldsSpec | undefined {
  if (param === null || param.trim() === '') return undefined;
  const rules: Rule[] = [];
  let whitelist = false;
  for (const raw of param.split(',')) {
    const entry = raw.trimEnd();
    if (entry === '') continue;
    if (entry.startsWith('-')) rules.push({ include: false, path: entry.slice(1).split('.') });
    else if (entry.startsWith('+')) rules.push({ include: true, path: entry.slice(1).split('.') });
    else if (entry.startsWith(' ')) rules.push({ include: true, path: ['\u0000unmatched'] });
    else {
      whitelist = true;
      rules.push({ include: true, path: entry.split('.') });
    }
  }
  return { rules, whitelist };
}

function segmentMatches(pattern: string, key: string): boolean {
  return pattern === '*' || pattern === key;
}

/** Rule path matches `path` or an ancestor of it. */
function coversPath(rule: Rule, path: readonly string[]): boolean {
  if (rule.path.length > path.length) return false;
  for (let i = 0; i < rule.path.length; i++) if (!segmentMatches(rule.path[i] as string, path[i] as string)) return false;
  return true;
}

type IsHidden = (path: readonly string[]) => number;

/** Some include rule names this path or something below it. */
function reachesInto(spec: FieldsSpec | undefined, path: readonly string[]): boolean {
  return (spec?.rules ?? []).some((rule) => rule.include && rule.path.length >= path.length && path.every((part, i) => segmentMatches(rule.path[i] as string, part)));
}

/**
 * In or out, by the last rule covering the path. Below a hidden path only rules that reach down to the
 * hidden node itself count; without one, hidden paths are out.
 */
function decide(spec: FieldsSpec | undefined, path: readonly string[], hiddenDepth: IsHidden): boolean {
  const depth = hiddenDepth(path);
  let decision: boolean | undefined;
  for (const rule of spec?.rules ?? []) {
    if (depth > 0 && rule.path.length < depth) continue;
    if (coversPath(rule, path)) decision = rule.include;
  }
  if (decision !== undefined) return decision;
  return depth > 0 ? false : !spec?.whitelist;
}

/**
 * Applies `fields` to a response body. `hidden` lists dotted paths (array indices omitted) that are left out
 * unless asked for; they are removed even without a `fields` parameter.
 */
export function applyFields(body: unknown, spec: FieldsSpec | undefined, hidden: readonly string[] = []): unknown {
  const hiddenPaths = hidden.map((h) => h.split('.'));
  if (!spec && hiddenPaths.length === 0) return body;
  // Length of the hidden path that is a prefix of `path`, or 0.
  const hiddenDepth: IsHidden = (path) => {
    for (const h of hiddenPaths) if (h.length <= path.length && h.every((part, i) => part === path[i])) return h.length;
    return 0;
  };
  return filterNode(body, [], spec, hiddenDepth, true) ?? {};
}

/** Returns the filtered node, or undefined when nothing of it is selected. */
function filterNode(value: unknown, path: string[], spec: FieldsSpec | undefined, hiddenDepth: IsHidden, included: boolean): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => filterNode(v, path, spec, hiddenDepth, included));
    if (included) return items.map((v) => v ?? {});
    const kept = items.filter((v) => v !== undefined);
    // An empty list still answers a rule that names something inside it (`values.reviewers.nickname` on no reviewers).
    return kept.length > 0 || (value.length === 0 && reachesInto(spec, path)) ? kept : undefined;
  }
  if (!value || typeof value !== 'object') return included ? value : undefined;
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [key, child] of Object.entries(value)) {
    const childPath = [...path, key];
    const filtered = filterNode(child, childPath, spec, hiddenDepth, decide(spec, childPath, hiddenDepth));
    if (filtered === undefined) continue;
    out[key] = filtered;
    any = true;
  }
  return included || any ? out : undefined;
}
