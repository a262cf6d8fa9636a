// Public API of @paintscape/core. Pure TypeScript: no node- or browser-only APIs.
// Each area keeps its explicit export list in its own `index.ts`; only this file is public.
export * from './errors.js';
export * from './labels/index.js';
export * from './segmap/index.js';
export * from './model-io/index.js';
export * from './doc/index.js';
export * from './graph/index.js';
export * from './weights/index.js';
