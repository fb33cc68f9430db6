import type { SimSize, SimSizeName } from '../../api.js';

/**
 * Dataset presets. Means per repository; each repository varies around them (x0.5 .. x1.5) so that
 * nothing lines up on page boundaries by accident.
 */
export const CLOUD_SIZES: Readonly<Record<SimSizeName, SimSize>> = {
  tiny: { repositories: 3, projects: 1, members: 5, pullRequestsPerRepo: 4, commitsPerRepo: 24, pipelinesPerRepo: 4 },
  small: { repositories: 12, projects: 3, members: 14, pullRequestsPerRepo: 24, commitsPerRepo: 60, pipelinesPerRepo: 12 },
  medium: { repositories: 100, projects: 8, members: 60, pullRequestsPerRepo: 50, commitsPerRepo: 500, pipelinesPerRepo: 50 },
  large: { repositories: 1000, projects: 30, members: 300, pullRequestsPerRepo: 100, commitsPerRepo: 1000, pipelinesPerRepo: 50 },
};

/** Resolves a size option to a full size (a partial size fills in from `small`). */
export function resolveSize(size: SimSizeName | Partial<SimSize> | undefined): SimSize {
  if (size === undefined) return CLOUD_SIZES.small;
  if (typeof size === 'string') {
    const preset = CLOUD_SIZES[size];
    if (!preset) throw new Error(`unknown simulator size '${String(size)}' (tiny, small, medium, large)`);
    return preset;
  }
  return { ...CLOUD_SIZES.small, ...size };
}

/** The exact preset sizes the `tiny` dataset uses: tests rely on "3 repositories". */
export const TINY_REPOSITORIES = CLOUD_SIZES.tiny.repositories;
