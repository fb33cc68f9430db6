/** The single partition of workspace-scoped streams. */
export const WORKSPACE_PARTITION = { key: '', name: 'workspace' };
//# sourceMappingURL=types.js.map