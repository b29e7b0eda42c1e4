export * from './auth.js';
export * from './catalog.js';
export * from './commerce.js';
export * from './integrations.js';
export * from './live.js';
