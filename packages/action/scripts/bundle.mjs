#!/usr/bin/env node
// Bundles the COMPILED entries (dist/main.js, dist/post.js: ncc's TypeScript loader does not work with TS 7)
// into <out>/main and <out>/post (default: the repository's root dist/, which action.yml runs). Minified and
// without source maps, so the committed bundle is ~4 MB per entry instead of ~20 MB. Each output folder is
// emptied first so no stale chunk survives.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const outRoot = resolve(process.argv[2] ?? join(pkg, '..', '..', 'dist'));
const ncc = join(pkg, 'node_modules', '.bin', 'ncc');
for (const entry of ['main', 'post']) {
  const compiled = join(pkg, 'dist', `${entry}.js`);
  if (!existsSync(compiled)) {
    console.error(`bundle: ${compiled} is missing; run \`pnpm --filter @bbsync/action build\` first`);
    process.exit(1);
  }
  const out = join(outRoot, entry);
  rmSync(out, { recursive: true, force: true });
  execFileSync(ncc, ['build', compiled, '-o', out, '--minify', '--license', 'licenses.txt', '--quiet'], { cwd: pkg, stdio: 'inherit' });
}
