/**
 * What the console does over HTTP, without a browser: log in, keep the session cookie, send the
 * CSRF token with calls. The cookie is kept by hand, as a browser would (name=value only).
 */
export interface LogInAnswer {
  status: number;
  body: Record<string, unknown>;
  setCookie: string | null;
  /** `maestro_session=<token>` from Set-Cookie, to send back in Cookie. */
  cookie: string | null;
  headers: Headers;
}

async function json(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function logIn(url: string, user: string, password: string, headers: Record<string, string> = {}): Promise<LogInAnswer> {
  const response = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ user, password }),
  });
  const setCookie = response.headers.get('set-cookie');
  return { status: response.status, body: await json(response), setCookie, cookie: setCookie?.split(';')[0] ?? null, headers: response.headers };
}

export async function currentSession(url: string, cookie: string | null): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${url}/api/v1/session`, { headers: cookie ? { cookie } : {} });
  return { status: response.status, body: await json(response), headers: response.headers };
}

export async function logOut(url: string, cookie: string, csrf: string | null): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${url}/api/v1/session`, { method: 'DELETE', headers: { cookie, ...(csrf ? { 'x-maestro-csrf': csrf } : {}) } });
  return { status: response.status, body: await json(response), headers: response.headers };
}

export interface RpcAnswer {
  status: number;
  result?: unknown;
  error?: { code: number; message: string; data?: { kind?: string } };
}

/** A JSON-RPC call with the session cookie and (unless null) the CSRF header, unsigned. */
export async function rpcWithSession(url: string, cookie: string, csrf: string | null, method: string, params: unknown = {}): Promise<RpcAnswer> {
  const response = await fetch(`${url}/api/v1/rpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, ...(csrf ? { 'x-maestro-csrf': csrf } : {}) },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await json(response)) as Omit<RpcAnswer, 'status'>;
  return { status: response.status, ...body };
}
