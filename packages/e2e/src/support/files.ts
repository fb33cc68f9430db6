/** File-system checks: every file below a folder, and whether a name is a safe file name. */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Paths (relative to `root`) of every file below it. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push(relative(root, path));
    }
  };
  await walk(root);
  return out.sort();
}

/** A portable, harmless file name: `[A-Za-z0-9._-]`, not hidden, not an option, at most 255 bytes. */
export function isSafeFileName(name: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name) && Buffer.byteLength(name) <= 255 && name !== '.' && name !== '..';
}
