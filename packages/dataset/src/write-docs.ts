/** Writes `docs/schema.md` at the repository root from the schema (see docs.ts). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schemaMarkdown } from './docs.js';

const target = fileURLToPath(new URL('../../../docs/schema.md', import.meta.url));
writeFileSync(target, schemaMarkdown());
process.stdout.write(`wrote ${target}\n`);
