/**
 * `npm run build` (also run by `prestart`): bundles server/index.ts and the project's own modules
 * into dist/server.mjs with a source map; packages stay imports from node_modules. `npm start` then
 * runs plain node: no tsx loader thread (a second V8 isolate) and no per-file transforms.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const OUTFILE = join(ROOT, 'dist/server.mjs');

/**
 * In a bundle `import.meta.url` is the bundle's own; each source file gets its own URL back,
 * relative to the bundle, so `new URL('./migrations', import.meta.url)` in db/client.ts still
 * finds db/migrations wherever the checkout lives.
 */
const sourceImportMeta = {
  name: 'source-import-meta',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta')) return undefined;
      if (text.replaceAll('import.meta.url', '').includes('import.meta')) {
        return { errors: [{ text: `${relative(ROOT, args.path)}: only import.meta.url is supported` }] };
      }
      const fromBundle = relative(dirname(OUTFILE), args.path).split(sep).join('/');
      const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: ['server/index.ts'],
  outfile: OUTFILE,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [sourceImportMeta],
  write: false,
});

// NOTE: written beside and renamed into place, so a server starting meanwhile never reads half a file.
await mkdir(dirname(OUTFILE), { recursive: true });
for (const file of result.outputFiles) {
  const temporary = `${file.path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, file.contents);
  await rename(temporary, file.path);
}
