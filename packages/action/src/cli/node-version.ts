/**
 * The Node.js version the CLI needs, checked before anything else is loaded. It imports nothing: the rest of the
 * CLI pulls in undici, whose module body already fails on older Node (undici 8 reads `zlib.createZstdDecompress`,
 * new in Node 22.15; its `engines` say >=22.19), so the check must run before those imports are evaluated.
 */

/** The oldest Node.js the CLI runs on: undici 8's `engines` field. */
export const MINIMUM_NODE = { major: 22, minor: 19 } as const;

/** One line saying what to do, or undefined when `version` (as in `process.versions.node`) is new enough. */
export function nodeVersionProblem(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  const tooOld = major < MINIMUM_NODE.major || (major === MINIMUM_NODE.major && minor < MINIMUM_NODE.minor);
  if (!tooOld) return undefined;
  return `bbsync needs Node ${MINIMUM_NODE.major}.${MINIMUM_NODE.minor} or newer; this is ${version} — run \`pnpm bbsync …\` from a clone (it runs on the project's Node 24) or install Node 24`;
}
