// Extracts the response schemas the Data Center simulator serves from Atlassian's DC 9.2 OpenAPI document into
// dc-schemas.json (with the components they reference), so contract tests run without the 1.6 MB spec.
// Usage: node extract-schemas.mjs /work/shared/specs/bitbucket-datacenter.openapi.json
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2];
const raw = readFileSync(file);
const spec = JSON.parse(raw.toString('utf8'));
const REPO = '/api/latest/projects/{projectKey}/repos/{repositorySlug}';
const PR = `${REPO}/pull-requests/{pullRequestId}`;
const paths = [
  '/api/latest/projects', '/api/latest/projects/{projectKey}', '/api/latest/projects/{projectKey}/repos', REPO,
  `${REPO}/default-branch`, `${REPO}/branches/default`, `${REPO}/branches`, `${REPO}/commits`, `${REPO}/commits/{commitId}`,
  `${REPO}/pull-requests`, PR, `${PR}/activities`, `${PR}/commits`, `${PR}/participants`, '/api/latest/repos', '/api/latest/users',
  '/api/latest/projects/{projectKey}/permissions/users', `${PR}/changes`, `${PR}/diff/{path}`, '/api/latest/users/{userSlug}',
];
const endpoints = {};
const needed = new Set();
const collect = (node) => {
  if (!node || typeof node !== 'object') return;
  if (typeof node.$ref === 'string') {
    const name = node.$ref.split('/').pop();
    if (!needed.has(name)) {
      needed.add(name);
      collect(spec.components.schemas[name]);
    }
  }
  for (const value of Object.values(node)) collect(value);
};
for (const path of paths) {
  const responses = spec.paths[path].get.responses;
  const out = {};
  for (const [status, response] of Object.entries(responses)) {
    const schema = response.content && Object.values(response.content)[0]?.schema;
    if (schema) {
      out[status] = schema;
      collect(schema);
    }
  }
  endpoints[path.replace('/api/latest', '')] = out;
}
for (const extra of ['RestComment', 'RestCommit', 'RestPullRequestRef', 'RestMinimalRef', 'RestErrors', 'RestApplicationUser', 'RestDiff', 'RestChange', 'RestRepository']) collect({ $ref: `#/components/schemas/${extra}` });
const components = {};
for (const name of [...needed].sort()) components[name] = spec.components.schemas[name];
const strip = (key, value) => (key === 'description' || key === 'example' || key === 'examples' ? undefined : value);
writeFileSync(
  new URL('./dc-schemas.json', import.meta.url),
  JSON.stringify({ source: 'Bitbucket Data Center REST API 9.2 OpenAPI (info.version 9.2), see /work/shared/specs/SOURCES.md', sha256: createHash('sha256').update(raw).digest('hex'), endpoints, components }, strip),
);
console.log(Object.keys(endpoints).length, 'endpoints,', needed.size, 'components');
