import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A failure to answer instead of the cloud, for the requests `match` picks, `times` times. */
interface Fault {
  match: (method: string, path: string) => boolean;
  status: number;
  body: string;
  times: number;
  /** Matching requests to let through before failing. */
  pass: number;
}

/** A fault armed on the proxy: whether it has answered any request yet, and a way to disarm it. */
export interface FaultHandle {
  fired(): boolean;
  cancel(): void;
}

/**
 * A proxy in front of the test cloud that can fail chosen requests: the real cloud answers
 * everything else. Addresses are `/<port>/<path>` for http://127.0.0.1:<port>/<path>; Keystone's
 * catalog is rewritten to point at the proxy, so every service call passes through it. With
 * `tls` it speaks HTTPS (for the certificate tests).
 */
export class FaultyProxy {
  readonly #faults: Fault[] = [];
  readonly #server: Server;
  /** Requests seen, as "METHOD /port/path?query". */
  readonly seen: string[] = [];

  readonly #scheme: 'http' | 'https';

  private constructor(tls: { key: string; cert: string } | undefined) {
    this.#scheme = tls ? 'https' : 'http';
    const handler = (request: IncomingMessage, response: ServerResponse) => {
      this.#forward(request, response).catch((error: unknown) => {
        response.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${String(error)}`);
      });
    };
    this.#server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  }

  static async start(tls?: { key: string; cert: string }): Promise<FaultyProxy> {
    const proxy = new FaultyProxy(tls);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    // A proxy left open (a suite whose tests were all filtered out never runs its hooks) must not keep the test process alive.
    proxy.#server.unref();
    return proxy;
  }

  get origin(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `${this.#scheme}://127.0.0.1:${port}`;
  }

  /** Keystone's address through the proxy, for a driver's authUrl. */
  authUrl(keystone = 'http://127.0.0.1:5000/v3'): string {
    const url = new URL(keystone);
    return `${this.origin}/${url.port}${url.pathname}`;
  }

  /**
   * Answers `status` with `body` instead of the cloud, to the next `times` requests `match` picks
   * (after letting `pass` of them through).
   */
  fail(match: (method: string, path: string) => boolean, status: number, body: string, options: { times?: number; pass?: number } = {}): FaultHandle {
    const fault: Fault = { match, status, body, times: options.times ?? 1, pass: options.pass ?? 0 };
    const times = fault.times;
    this.#faults.push(fault);
    return { fired: () => fault.times < times, cancel: () => void (fault.times = 0) };
  }

  /** Requests seen so far whose "METHOD path" matches. */
  count(pattern: RegExp): number {
    return this.seen.filter((line) => pattern.test(line)).length;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const [, port, ...rest] = (request.url ?? '/').split('/');
    const path = `/${rest.join('/')}`;
    const method = request.method ?? 'GET';
    this.seen.push(`${method} /${port}${path}`);
    const fault = this.#faults.find((f) => f.times > 0 && f.match(method, path));
    if (fault && fault.pass > 0) fault.pass -= 1;
    else if (fault) {
      fault.times -= 1;
      response.writeHead(fault.status, { 'content-type': fault.body.startsWith('{') ? 'application/json' : 'text/html' }).end(fault.body);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name, value]) => typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)),
    ) as Record<string, string>;
    const answer = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    let text = await answer.text();
    // The catalog (and any link) points at the proxy, so the driver's next calls come here too.
    if (path.endsWith('/auth/tokens')) text = text.replace(/http:\/\/127\.0\.0\.1:(\d+)/g, `${this.origin}/$1`);
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) out[name] = value;
    });
    response.writeHead(answer.status, out).end(text);
  }
}
