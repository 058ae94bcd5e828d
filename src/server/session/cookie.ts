/** The console session cookie: its name, reading it from a request, and the Set-Cookie values. */
export const SESSION_COOKIE = 'maestro_session';

/** The session cookie's value in a Cookie header, or null when there is none. */
export function sessionCookieOf(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(at + 1).trim();
    // Our tokens are base64url; anything else cannot be a session of ours.
    return /^[A-Za-z0-9_-]{16,128}$/.test(value) ? value : null;
  }
  return null;
}

/**
 * HttpOnly: scripts (an injected one included) never see it. SameSite=Strict: other sites' pages
 * cannot make the browser send it. Secure over https, so it never travels in clear afterwards.
 * No Max-Age: the server decides when a session ends; the browser forgets it when it closes.
 */
export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${secure ? '; Secure' : ''}`;
}
