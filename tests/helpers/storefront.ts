import { join } from 'node:path';
import { build } from 'vite';
import { ROOT } from './start-command.js';

export const STOREFRONT_ROOT = join(ROOT, 'examples/storefront');

/**
 * Builds examples/storefront with `vite build` into `outDir`, pointed at the API at `apiUrl`
 * (VITE_API_URL, read by vite from the environment as `npm run storefront:build` would).
 */
export async function buildStorefront(apiUrl: string, outDir: string): Promise<void> {
  const previous = process.env.VITE_API_URL;
  process.env.VITE_API_URL = apiUrl;
  try {
    await build({
      root: STOREFRONT_ROOT,
      configFile: join(STOREFRONT_ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    if (previous === undefined) delete process.env.VITE_API_URL;
    else process.env.VITE_API_URL = previous;
  }
}
