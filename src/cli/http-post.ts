import type { HttpPost } from '../sdk/rpc.js';

/**
 * The CLI's one request, over node:http: loading fetch (Node's bundled undici) costs a CLI call
 * more than the call itself.
 */
export const httpPost: HttpPost = (url, { headers, body, timeoutMs }) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    // Not `import … from 'node:http'`: an ES import of it reads every export, and its WebSocket and
    // EventSource getters load Node's bundled undici; node:https (and TLS) only for https URLs.
    const client = target.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
    const request = client.request(
      target,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: timeoutMs },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on('error', reject);
    request.end(body);
  });
