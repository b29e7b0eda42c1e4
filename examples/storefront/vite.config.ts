import { defineConfig } from 'vite';

/**
 * The storefront is a static site: `vite` serves it on http://localhost:5173 in development and
 * `vite build` writes it to dist/. VITE_API_URL (default http://localhost:3000) names the Backroom
 * API; it must be on the same site as the page (see README.md).
 */
export default defineConfig({
  server: { host: 'localhost', port: 5173, strictPort: true },
  preview: { host: 'localhost', port: 4173, strictPort: true },
  build: { target: 'es2022' },
});
