/** Word lists for deterministic, readable generated names and texts. */

export const FIRST_NAMES = [
  'Ada', 'Ben', 'Chen', 'Dana', 'Emil', 'Fatima', 'Goran', 'Hana', 'Ivan', 'Jia', 'Kofi', 'Lena', 'Mateo', 'Nadia',
  'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Viktor', 'Wen', 'Ximena', 'Yusuf', 'Zoe',
] as const;

export const LAST_NAMES = [
  'Andersen', 'Baker', 'Costa', 'Dubois', 'Eriksson', 'Fischer', 'Garcia', 'Huang', 'Ito', 'Jensen', 'Kowalski',
  'Larsen', 'Moreau', 'Novak', 'Okafor', 'Petrov', 'Quispe', 'Rossi', 'Schmidt', 'Tanaka', 'Ueda', 'Vargas',
  'Weber', 'Xu', 'Yilmaz', 'Zhang',
] as const;

export const REPO_WORDS_A = [
  'payments', 'billing', 'search', 'auth', 'catalog', 'inventory', 'checkout', 'notifications', 'analytics',
  'gateway', 'ledger', 'profile', 'reports', 'shipping', 'pricing', 'identity', 'media', 'ingest', 'scheduler',
  'audit', 'feature-flags', 'docs', 'mobile', 'infra',
] as const;

export const REPO_WORDS_B = ['service', 'api', 'web', 'worker', 'lib', 'sdk', 'ui', 'cli', 'jobs', 'config'] as const;

export const LANGUAGES = ['typescript', 'java', 'python', 'go', 'kotlin', 'javascript', 'ruby', 'c#', 'rust', ''] as const;

export const VERBS = [
  'Fix', 'Add', 'Remove', 'Refactor', 'Update', 'Improve', 'Document', 'Rename', 'Simplify', 'Harden', 'Speed up',
  'Handle', 'Validate', 'Log',
] as const;

export const NOUNS = [
  'retry logic', 'pagination', 'error handling', 'the login flow', 'cache invalidation', 'date parsing',
  'webhook signature check', 'unit tests', 'the build script', 'null checks', 'rate limiter', 'config loader',
  'timezone handling', 'dependency versions', 'the README', 'query builder', 'CSV export', 'token refresh',
] as const;

export const COMMENT_TEXTS = [
  'Looks good to me.', 'Can we add a test for this?', 'Nit: naming.', 'Why not reuse the existing helper?',
  'This breaks when the list is empty.', 'Please rebase on main.', 'Done.', 'Good catch, fixed.',
  'Could you explain this change?', 'LGTM :+1:', 'Is this covered by the integration tests?',
  'Let us discuss this offline.', 'Should this be configurable?', 'Agreed.', 'Ünïcödé and emoji 🚀 work here too.',
] as const;

export const FILE_PATHS = [
  'src/index.ts', 'src/client.ts', 'src/util/dates.ts', 'README.md', 'package.json', 'src/main/java/App.java',
  'lib/parser.py', 'cmd/server/main.go', 'docs/guide.md', 'test/client.test.ts',
] as const;

/** Picks an element by a non-negative integer. */
export function at<T>(list: readonly T[], n: number): T {
  return list[n % list.length] as T;
}
