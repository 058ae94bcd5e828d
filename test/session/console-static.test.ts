/**
 * The built console at /console/ (docs/console.md, "Serving"): hashed files cached for good,
 * index.html revalidated, deep links answered with index.html, a strict CSP on every answer, and
 * a clear 503 when the console is not built. The "build" is a temporary directory.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/server.js';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';

/** A bundle large enough to be served compressed. */
const bigScript = Array.from({ length: 400 }, (_, i) => `export const value${i} = ${i};`).join('\n');
const indexHtml = '<!doctype html><html><head><base href="/console/"></head><body><app-root></app-root><script src="main-AB12CD34.js" type="module"></script></body></html>';
const dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-console-'));
let server: TestServer;

function cspOf(response: Response): Map<string, string> {
  const policy = response.headers.get('content-security-policy') ?? '';
  return new Map(policy.split(';').map((part) => part.trim().split(/ (.*)/s) as [string, string]));
}

function assertStrictHeaders(response: Response): void {
  const csp = cspOf(response);
  assert.equal(csp.get('default-src'), "'self'");
  assert.equal(csp.get('script-src'), "'self'", 'no inline or eval scripts');
  assert.equal(csp.get('img-src'), "'self' data:");
  assert.equal(csp.get('connect-src'), "'self'");
  assert.equal(csp.get('object-src'), "'none'");
  assert.equal(csp.get('base-uri'), "'self'");
  assert.equal(csp.get('frame-ancestors'), "'none'");
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(response.headers.get('referrer-policy'), 'same-origin');
}

before(async () => {
  writeFileSync(path.join(dir, 'index.html'), indexHtml);
  writeFileSync(path.join(dir, 'main-AB12CD34.js'), 'console.log("console");\n');
  writeFileSync(
    path.join(dir, 'ngsw.json'),
    JSON.stringify({ configVersion: 1, index: '/console/index.html', hashTable: { '/console/index.html': 'e808e2', '/console/main-AB12CD34.js': '1a2b3c' } }),
  );
  writeFileSync(path.join(dir, 'manifest.webmanifest'), '{"name":"Maestro"}');
  writeFileSync(path.join(dir, 'chunk-B4XDO-j7.js'), 'export {};\n');
  writeFileSync(path.join(dir, 'chunk-BIGBIG12.js'), bigScript);
  writeFileSync(path.join(dir, 'ngsw-worker.js'), 'self;\n');
  mkdirSync(path.join(dir, 'icons'));
  writeFileSync(path.join(dir, 'icons', 'icon-192.png'), 'png');
  mkdirSync(path.join(dir, 'media'));
  writeFileSync(path.join(dir, 'media', 'roboto-Q7PLAXYZ.woff2'), 'font');
  server = await startTestServer({ config: { consoleDir: dir } });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serving the built console', () => {
  it('redirects / and /console to /console/', async () => {
    for (const from of ['/', '/console']) {
      const response = await fetch(`${server.url}${from}`, { redirect: 'manual' });
      assert.ok([301, 302].includes(response.status), `${from}: ${response.status}`);
      assert.equal(response.headers.get('location'), '/console/');
    }
  });

  it('serves index.html revalidated on every visit, with the strict headers', async () => {
    const response = await fetch(`${server.url}/console/`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), indexHtml);
    assert.match(response.headers.get('content-type')!, /^text\/html/);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    assertStrictHeaders(response);
  });

  it('caches files with a content hash in the name for a year, immutable', async () => {
    for (const file of ['main-AB12CD34.js', 'chunk-B4XDO-j7.js', 'media/roboto-Q7PLAXYZ.woff2']) {
      const response = await fetch(`${server.url}/console/${file}`);
      assert.equal(response.status, 200, file);
      assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable', file);
      assertStrictHeaders(response);
    }
    const script = await fetch(`${server.url}/console/main-AB12CD34.js`);
    assert.match(script.headers.get('content-type')!, /^text\/javascript/);
    assert.equal(await script.text(), 'console.log("console");\n');
  });

  it('revalidates files without a hash (service worker, manifests, icons), and answers 304 to a matching ETag', async () => {
    for (const file of ['ngsw.json', 'manifest.webmanifest', 'ngsw-worker.js', 'icons/icon-192.png']) {
      const response = await fetch(`${server.url}/console/${file}`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-cache', file);
      const etag = response.headers.get('etag')!;
      const again = await fetch(`${server.url}/console/${file}`, { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
    }
  });

  it('answers deep links (no file extension) with index.html, and a missing file with 404', async () => {
    const deep = await fetch(`${server.url}/console/tenants/acme-dev/instances`);
    assert.equal(deep.status, 200);
    assert.equal(await deep.text(), indexHtml);
    assert.equal(deep.headers.get('cache-control'), 'no-cache');
    assertStrictHeaders(deep);
    const missing = await fetch(`${server.url}/console/chunk-MISSING1.js`);
    assert.equal(missing.status, 404);
    assertStrictHeaders(missing);
  });

  it("answers a browser's navigation to a route holding a dot with index.html, a script fetch of it with 404", async () => {
    // undici's request, not fetch: fetch sets Sec-Fetch-Mode itself, as a page's script would.
    const navigation = await request(`${server.url}/console/run/instances.run`, { headers: { 'sec-fetch-mode': 'navigate', accept: 'text/html' } });
    assert.equal(navigation.statusCode, 200);
    assert.equal(await navigation.body.text(), indexHtml);
    const script = await request(`${server.url}/console/run/instances.run`, { headers: { 'sec-fetch-mode': 'no-cors', accept: '*/*' } });
    assert.equal(script.statusCode, 404);
    await script.body.dump();
  });

  it('serves text files compressed once per version, brotli or gzip as the browser accepts, and plain to others', async () => {
    const url = `${server.url}/console/chunk-BIGBIG12.js`;
    const brotli = await request(url, { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
    assert.equal(brotli.headers['content-encoding'], 'br');
    assert.equal(brotli.headers.vary, 'accept-encoding');
    const brotliBytes = Buffer.from(await brotli.body.arrayBuffer());
    assert.equal(brotliDecompressSync(brotliBytes).toString('utf8'), bigScript);
    assert.ok(brotliBytes.length < bigScript.length / 3, `compressed to ${brotliBytes.length} of ${bigScript.length} bytes`);
    const gzipped = await request(url, { headers: { 'accept-encoding': 'gzip;q=1, br;q=0' } });
    assert.equal(gzipped.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(Buffer.from(await gzipped.body.arrayBuffer())).toString('utf8'), bigScript);
    const plain = await request(url, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(await plain.body.text(), bigScript);
    const revalidated = await request(url, { headers: { 'accept-encoding': 'br', 'if-none-match': String(brotli.headers.etag) } });
    assert.equal(revalidated.statusCode, 304);
    await revalidated.body.dump();
    const small = await request(`${server.url}/console/chunk-B4XDO-j7.js`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(small.headers['content-encoding'], undefined, 'a file smaller than 1 kB goes as it is');
    await small.body.dump();
  });

  it("serves the service worker's manifest without index.html's hash, which the per-response nonce would never match", async () => {
    const manifest = (await (await fetch(`${server.url}/console/ngsw.json`)).json()) as { hashTable: Record<string, string> };
    assert.deepEqual(manifest.hashTable, { '/console/main-AB12CD34.js': '1a2b3c' });
  });

  it('never serves a file outside the console directory', async () => {
    writeFileSync(path.join(path.dirname(dir), 'outside-console.txt'), 'secret');
    try {
      for (const probe of ['/console/../outside-console.txt', '/console/%2e%2e/outside-console.txt', '/console/..%2foutside-console.txt']) {
        const response = await fetch(`${server.url}${probe}`);
        assert.notEqual(await response.text(), 'secret', probe);
      }
    } finally {
      rmSync(path.join(path.dirname(dir), 'outside-console.txt'), { force: true });
    }
  });

  it('fills a fresh CSP nonce into ngCspNonce (any case, as the build writes it), and allows only styles carrying it', async () => {
    writeFileSync(path.join(dir, 'index.html'), indexHtml.replace('<app-root>', '<app-root ngcspnonce="server-fills-this">'));
    try {
      const [first, second] = [await fetch(`${server.url}/console/`), await fetch(`${server.url}/console/`)];
      const nonces = [];
      for (const response of [first, second]) {
        const nonce = /ngCspNonce="([^"]+)"/i.exec(await response.text())![1]!;
        assert.notEqual(nonce, 'server-fills-this');
        assert.equal(cspOf(response).get('style-src'), `'self' 'nonce-${nonce}'`);
        assert.equal(response.headers.get('cache-control'), 'no-cache, private');
        nonces.push(nonce);
      }
      assert.notEqual(nonces[0], nonces[1], 'a nonce per response');
    } finally {
      writeFileSync(path.join(dir, 'index.html'), indexHtml);
    }
  });

  it('leaves the API where it is', async () => {
    const response = await fetch(`${server.url}/health/live`);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });
});

describe('a console that is not built', () => {
  it('answers /console/ and its deep links with 503 saying to run npm run console:build', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'maestro-no-console-'));
    const bare = await startTestServer({ config: { consoleDir: path.join(empty, 'missing') } });
    try {
      for (const page of ['/console/', '/console/tenants']) {
        const response = await fetch(`${bare.url}${page}`);
        assert.equal(response.status, 503);
        assert.match(await response.text(), /npm run console:build/);
        assertStrictHeaders(response);
      }
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
