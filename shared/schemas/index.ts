export * from './admin-outputs.js';
export * from './auth.js';
export * from './catalog.js';
export * from './commerce.js';
export * from './common.js';
export * from './live.js';
export * from './outputs.js';
