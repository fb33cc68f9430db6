export * from './errors.js';
export * from './clock.js';
export * from './logger.js';
export type * from './http/types.js';
export type * from './pagination/types.js';
export type * from './state/types.js';
export type * from './output/types.js';
export * from './engine/types.js';
