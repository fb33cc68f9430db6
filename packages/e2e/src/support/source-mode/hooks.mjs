// Resolve hook for running TypeScript sources in a child process (tests only): a relative `.js` import that does
// not exist resolves to the `.ts` file beside it, as TypeScript's nodenext rules mean. Workspace packages resolve
// to their sources through the `source` export condition (`--conditions=source`), like vitest does in-process.
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && relative && specifier.endsWith('.js')) {
      return next(`${specifier.slice(0, -3)}.ts`, context);
    }
    throw error;
  }
}
