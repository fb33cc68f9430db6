// `pnpm bbsync <command> …`: the bbsync CLI from this clone, on the project's Node 24 (the `node` devDependency,
// which pnpm puts first on PATH for scripts), whatever Node the shell has. Builds the packages first when a
// source file is newer than its build (quietly; the build's output is shown only if it fails), then runs the CLI
// in the directory pnpm was called from, so relative paths in the arguments mean what the user typed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'packages', 'action', 'dist', 'cli.js');
// The packages the CLI loads (the demo includes the simulator).
const BUILT = ['core', 'cloud', 'datacenter', 'simulator', 'action'];

/** Newest modification time (ms) of the build inputs of one package: its TypeScript sources (not tests), package.json, tsconfigs. */
function newestInput(dir) {
  let newest = 0;
  const visit = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      // Tests and the snapshots they write are not build inputs.
      if (entry.isDirectory()) {
        if (entry.name !== '__tests__' && entry.name !== '__snapshots__') visit(child);
      } else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) newest = Math.max(newest, statSync(child).mtimeMs);
    }
  };
  if (existsSync(join(dir, 'src'))) visit(join(dir, 'src'));
  for (const name of readdirSync(dir)) if (name === 'package.json' || /^tsconfig.*\.json$/.test(name)) newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
  return newest;
}

function stale() {
  return BUILT.some((name) => {
    const dir = join(root, 'packages', name);
    const output = join(dir, 'dist', name === 'action' ? 'cli.js' : 'index.js');
    return !existsSync(output) || statSync(output).mtimeMs < newestInput(dir);
  });
}

if (stale()) {
  process.stderr.write('bbsync: building the packages first (pnpm build)…\n');
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'turbo', 'bin', 'turbo'), 'run', 'build', '--output-logs=errors-only'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}\nbbsync: the build failed (see above)\n`);
    process.exit(build.status ?? 1);
  }
}

const child = spawn(process.execPath, [cli, ...process.argv.slice(2)], { cwd: process.env.INIT_CWD ?? process.cwd(), stdio: 'inherit' });
// The CLI stops gracefully on SIGINT/SIGTERM itself; pass them on instead of dying before it has finished.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
