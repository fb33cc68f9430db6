#!/usr/bin/env node
// Checks that the committed bundle (root dist/main, dist/post) matches a fresh ncc build of the compiled
// entries (packages/action/dist/{main,post}.js, which `pnpm build` produces). Rebuilds into a temp folder and
// diffs file by file; exits 1 listing the differences. Fix with `pnpm --filter @bbsync/action bundle`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const root = join(pkg, '..', '..');
const temp = mkdtempSync(join(tmpdir(), 'bbsync-check-dist-'));

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

let problems = [];
try {
  execFileSync(process.execPath, [join(pkg, 'scripts', 'bundle.mjs'), temp], { stdio: 'inherit' });
  for (const entry of ['main', 'post']) {
    const out = join(temp, entry);
    const committed = join(root, 'dist', entry);
    const fresh = files(out);
    const old = files(committed);
    for (const name of new Set([...fresh, ...old])) {
      if (!fresh.includes(name)) problems.push(`dist/${entry}/${name}: committed but not produced by a fresh bundle`);
      else if (!old.includes(name)) problems.push(`dist/${entry}/${name}: missing from the committed bundle`);
      else if (!readFileSync(join(out, name)).equals(readFileSync(join(committed, name)))) problems.push(`dist/${entry}/${name}: differs from a fresh bundle`);
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
if (problems.length > 0) {
  console.error(`check-dist: the committed dist/ is stale:\n  ${problems.join('\n  ')}\nRebuild with: pnpm --filter @bbsync/core --filter @bbsync/cloud --filter @bbsync/datacenter --filter @bbsync/action build && pnpm --filter @bbsync/action bundle`);
  process.exit(1);
}
console.log('check-dist: dist/ matches a fresh bundle');
