export * from './auth.js';
export * from './catalog.js';
