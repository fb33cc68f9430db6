/** Word lists for generated names: plain, varied, and free of anything that could look like a credential. */

export const FIRST_NAMES = [
  'Alice', 'Bruno', 'Chiara', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kavya', 'Liam', 'Mona',
  'Nadia', 'Omar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tomoko', 'Ugo', 'Vera', 'Wei', 'Ximena', 'Yusuf', 'Zoe',
] as const;

export const LAST_NAMES = [
  'Andersen', 'Baptiste', 'Castillo', 'Dubois', 'Eriksson', 'Fischer', 'Garcia', 'Haddad', 'Ivanova', 'Jensen',
  'Kowalski', 'Laurent', 'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Quinn', 'Rossi', 'Silva', 'Tanaka', 'Ueda',
  'Varga', 'Weber', 'Xu', 'Yilmaz', 'Zimmermann',
] as const;

export const PROJECT_WORDS = [
  'Platform', 'Payments', 'Identity', 'Search', 'Mobile', 'Data', 'Infrastructure', 'Billing', 'Analytics', 'Web',
  'Security', 'Messaging', 'Storage', 'Checkout', 'Catalog', 'Logistics', 'Support', 'Marketing', 'Growth', 'Core',
  'Tooling', 'Release', 'Observability', 'Compliance', 'Partners', 'Ledger', 'Inventory', 'Notifications', 'Maps',
  'Media',
] as const;

export const REPO_WORDS = [
  'api', 'service', 'gateway', 'worker', 'client', 'ui', 'sdk', 'cli', 'common', 'config', 'deploy', 'docs', 'engine',
  'exporter', 'importer', 'indexer', 'jobs', 'lib', 'monitor', 'parser', 'proxy', 'router', 'scheduler', 'schema',
  'server', 'store', 'sync', 'tests', 'tools', 'web',
] as const;

export const VERBS = [
  'Add', 'Fix', 'Refactor', 'Update', 'Remove', 'Improve', 'Rename', 'Document', 'Test', 'Simplify', 'Bump', 'Revert',
] as const;

export const OBJECTS = [
  'retry logic', 'pagination', 'login flow', 'error handling', 'cache layer', 'build script', 'metrics', 'README',
  'null check', 'timeout', 'config loader', 'date parsing', 'dependency versions', 'logging', 'rate limiter',
  'schema migration', 'feature flag', 'unit tests', 'API client', 'webhook handler',
] as const;

export const COMMENTS = [
  'Looks good to me.', 'Could we add a test for this?', 'Nit: naming.', 'Why is this needed?', 'Done.',
  'Please rebase on main.', 'This might break the nightly job.', 'Good catch, fixed.', 'Can we split this PR?',
  'LGTM once CI passes.', 'I think this needs a changelog entry.', 'Agreed.',
] as const;

/** Commit authors who are not Bitbucket users (contractors, bots, old addresses). */
export const EXTERNAL_AUTHORS = [
  { name: 'Build Bot', emailAddress: 'build-bot@ci.example.com' },
  { name: 'Renovate', emailAddress: 'renovate@whitesourcesoftware.com' },
  { name: 'Pat Contractor', emailAddress: 'pat@contractor.example.net' },
  { name: 'Sam Old-Laptop', emailAddress: 'sam@localhost.localdomain' },
] as const;
