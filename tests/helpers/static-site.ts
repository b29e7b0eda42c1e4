import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface StaticSite {
  close(): Promise<void>;
}

/**
 * Serves a built site (files under `dir`, index.html for `/`) on 127.0.0.1:`port`, as any static
 * host would; a path outside `dir` or a missing file is 404.
 */
export function serveDirectory(dir: string, port: number): Promise<StaticSite> {
  return listen(port, async (path) => {
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir)) return null;
    const body = await readFile(file).catch(() => null);
    return body && { type: TYPES[extname(file)] ?? 'application/octet-stream', body };
  });
}

/** Serves one HTML page at every path on 127.0.0.1:`port` (a stand-in for another site). */
export function servePage(html: string, port: number): Promise<StaticSite> {
  return listen(port, async () => ({ type: TYPES['.html'] ?? '', body: Buffer.from(html) }));
}

function listen(
  port: number,
  answer: (path: string) => Promise<{ type: string; body: Buffer } | null>,
): Promise<StaticSite> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    answer(path).then(
      (found) => {
        if (!found) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': found.type, 'cache-control': 'no-store' }).end(found.body);
      },
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    );
  });
}
