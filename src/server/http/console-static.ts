import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { packageRoot } from '../../paths.js';
import { chosenEncoding, CompressedFiles } from './compressed-files.js';

/**
 * The built web console (Angular, console/) at /console/. Served with node:fs rather than
 * @fastify/static: the rules are few and specific (hashed names cached for good, everything else
 * revalidated, extension-less paths fall back to index.html, a per-response CSP nonce in
 * index.html), so the plugin would be configured around more than it would do, and one less
 * dependency has to be followed. No range requests or directory listings are needed.
 */
export const CONSOLE_PATH = '/console/';

/** Where `npm run console:build` puts the console, relative to the installation. */
export const defaultConsoleDir = (): string => path.join(packageRoot(), 'console', 'dist', 'console', 'browser');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/**
 * Angular's production build names bundles and media `name-HASH.ext`, the hash eight characters:
 * upper-case letters and digits (esbuild: `main-WMSHL43Q.js`) or base64url (code-split chunks:
 * `chunk-B4XDO-j7.js`). Other names (index.html, ngsw-worker.js, icons/icon-192.png) do not match.
 */
const hashedName = /[-.][A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$/;

/** A file's version as the browser revalidates it: its size and modification time. */
const weakEtag = (file: { size: number; mtimeMs: number }): string => `W/"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`;

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * The attribute Angular reads its CSP nonce from (on the root component's element); the server
 * fills it per response. HTML attribute names ignore case, and the build writes it in lower case.
 */
const nonceAttribute = /\bngCspNonce="[^"]*"/gi;

/**
 * The console's Content-Security-Policy. Angular adds component styles as <style> elements at run
 * time: with a nonce (index.html carries ngCspNonce) only those with it are allowed; without one
 * they need 'unsafe-inline' for styles (never for scripts). Styles set through the CSSOM (Angular
 * Material's overlays, animations) are not governed by style-src.
 */
export function consoleCsp(nonce: string | null): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    nonce ? `style-src 'self' 'nonce-${nonce}'` : "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function securityHeaders(reply: FastifyReply, nonce: string | null): FastifyReply {
  return reply
    .header('content-security-policy', consoleCsp(nonce))
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('x-frame-options', 'DENY');
}

/** The file a path under /console/ (already URL-decoded by Fastify) names inside `dir`, or null when it would leave it. */
function fileInside(dir: string, relative: string): string | null {
  if (relative.includes('\0')) return null;
  const file = path.resolve(dir, `./${relative}`);
  return file === dir || file.startsWith(dir + path.sep) ? file : null;
}

async function fileStat(file: string) {
  try {
    const found = await stat(file);
    return found.isFile() ? found : null;
  } catch {
    return null;
  }
}

const notBuilt = (dir: string) =>
  `The Maestro web console is not built (no ${path.join(dir, 'index.html')}).\n` +
  'Run `npm run console:build` in the Maestro installation, or set MAESTRO_CONSOLE_DIR to a built console, then reload.\n' +
  'The API works meanwhile: POST /api/v1/rpc.\n';

export function registerConsoleStatic(app: FastifyInstance, options: { dir: string }): void {
  const compressed = new CompressedFiles();
  const dir = path.resolve(options.dir);

  async function sendIndex(reply: FastifyReply): Promise<FastifyReply> {
    let html: string;
    try {
      html = await readFile(path.join(dir, 'index.html'), 'utf8');
    } catch {
      return securityHeaders(reply, null).status(503).header('cache-control', REVALIDATE).type('text/plain; charset=utf-8').send(notBuilt(dir));
    }
    const nonce = html.search(nonceAttribute) >= 0 ? randomBytes(16).toString('base64') : null;
    if (nonce) html = html.replace(nonceAttribute, `ngCspNonce="${nonce}"`);
    // A nonce is per response: no shared cache may keep the page, and the browser asks again each time.
    return securityHeaders(reply, nonce).header('cache-control', nonce ? 'no-cache, private' : REVALIDATE).type(contentTypes['.html']!).send(html);
  }

  /**
   * The service worker's manifest without the hash of index.html: the server writes a fresh CSP
   * nonce into each index.html it sends, so its bytes never match the build's hash, and Angular's
   * worker would refuse the whole version (and with it the offline shell). Without a hash the
   * worker fetches and caches index.html as it comes, headers and nonce together.
   */
  async function sendServiceWorkerManifest(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const file = path.join(dir, 'ngsw.json');
    let manifest: { index?: unknown; hashTable?: Record<string, string> };
    let etag: string;
    try {
      etag = weakEtag(await stat(file));
      manifest = JSON.parse(await readFile(file, 'utf8')) as typeof manifest;
    } catch {
      return securityHeaders(reply, null).status(404).type('text/plain; charset=utf-8').send('no service worker manifest in this console build\n');
    }
    securityHeaders(reply, null).header('cache-control', REVALIDATE).header('etag', etag).type(contentTypes['.json']!);
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    if (manifest.hashTable && typeof manifest.index === 'string') delete manifest.hashTable[manifest.index];
    return reply.send(JSON.stringify(manifest));
  }

  /** A browser loading a page (address bar, link, reload), not a script or image fetch. */
  function isNavigation(request: FastifyRequest): boolean {
    const mode = request.headers['sec-fetch-mode'];
    const accept = request.headers.accept ?? '';
    return mode === 'navigate' || (mode === undefined && accept.includes('text/html'));
  }

  async function serve(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const relative = (request.params as { '*'?: string })['*'] ?? '';
    if (relative === '' || relative === 'index.html') return sendIndex(reply);
    if (relative === 'ngsw.json') return sendServiceWorkerManifest(request, reply);
    const file = fileInside(dir, relative);
    const found = file ? await fileStat(file) : null;
    if (!file || !found) {
      // A deep link into the console's own routes: the console shows the page. A route may hold a
      // dot (/console/run/instances.run), so a browser's navigation falls back whatever the name.
      if (isNavigation(request) || !path.posix.extname(relative.split('/').pop() ?? '')) return sendIndex(reply);
      return securityHeaders(reply, null).status(404).type('text/plain; charset=utf-8').send(`no file ${relative} in the console\n`);
    }
    const extension = path.extname(file).toLowerCase();
    const etag = weakEtag(found);
    securityHeaders(reply, null)
      .header('cache-control', hashedName.test(path.basename(file)) ? IMMUTABLE : REVALIDATE)
      .header('etag', etag)
      .type(contentTypes[extension] ?? 'application/octet-stream');
    if (!compressed.worthCompressing(file, found.size)) {
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.header('content-length', found.size).send(createReadStream(file));
    }
    reply.header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    const encoding = chosenEncoding(request.headers['accept-encoding']);
    if (!encoding) return reply.header('content-length', found.size).send(createReadStream(file));
    const body = await compressed.get(file, etag, encoding);
    return reply.header('content-encoding', encoding).header('content-length', body.length).send(body);
  }

  app.get('/', async (_request, reply) => reply.redirect(CONSOLE_PATH, 302));
  app.get('/console', async (_request, reply) => reply.redirect(CONSOLE_PATH, 301));
  app.get(`${CONSOLE_PATH}*`, serve);
}
