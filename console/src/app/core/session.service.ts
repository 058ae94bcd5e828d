import { Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import { isRecord } from './rpc-error';

/** The signed-in user as POST/GET /api/v1/session answer it (docs/console.md). */
export interface SessionUser {
  name: string;
  displayName: string;
  customer: string | null;
  systemAdmin: boolean;
}

export interface SessionView {
  user: SessionUser;
  csrfToken: string;
  expiresAt: string;
  idleTimeoutMs: number;
  features: string[];
  actions: string[];
}

/** Why a log-in failed, with what the page shows. */
export class LoginRefused extends Error {
  constructor(
    message: string,
    readonly reason: 'credentials' | 'rate_limited' | 'unavailable',
    /** Seconds to wait before the next try (rate_limited only). */
    readonly retryAfterSeconds = 0,
  ) {
    super(message);
  }
}

const sessionUrl = '/api/v1/session';

function parseSessionView(body: unknown): SessionView | null {
  if (!isRecord(body) || !isRecord(body['user']) || typeof body['csrfToken'] !== 'string') return null;
  const user = body['user'];
  if (typeof user['name'] !== 'string') return null;
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  return {
    user: {
      name: user['name'],
      displayName: typeof user['displayName'] === 'string' ? user['displayName'] : user['name'],
      customer: typeof user['customer'] === 'string' ? user['customer'] : null,
      systemAdmin: user['systemAdmin'] === true,
    },
    csrfToken: body['csrfToken'],
    expiresAt: typeof body['expiresAt'] === 'string' ? body['expiresAt'] : '',
    idleTimeoutMs: typeof body['idleTimeoutMs'] === 'number' ? body['idleTimeoutMs'] : 0,
    features: strings(body['features']),
    actions: strings(body['actions']),
  };
}

/**
 * The console session: log-in, the current user, the CSRF token every call sends, the permission
 * actions and features that decide which menus and buttons show (the server still checks every
 * call), log-out, and the end of a session the server reports (401).
 */
@Injectable({ providedIn: 'root' })
export class SessionService {
  private readonly router = inject(Router);
  private readonly view = signal<SessionView | null>(null);
  private restoring: Promise<boolean> | null = null;
  private readonly endListeners: Array<() => void> = [];

  readonly user = computed(() => this.view()?.user ?? null);
  readonly signedIn = computed(() => this.view() !== null);
  readonly csrfToken = computed(() => this.view()?.csrfToken ?? '');
  readonly actions = computed(() => new Set(this.view()?.actions ?? []));
  readonly features = computed(() => new Set(this.view()?.features ?? []));

  hasAction(action: string): boolean {
    return this.actions().has(action);
  }

  /** No feature named means the page needs none. */
  hasFeature(feature: string | null | undefined): boolean {
    return !feature || this.features().has(feature);
  }

  /** Called when the session ends, however it ends (log-out, expiry): services drop what they hold. */
  onEnd(listener: () => void): void {
    this.endListeners.push(listener);
  }

  /** Whether a session cookie is still good (asked once per page load; guards wait on it). */
  restore(): Promise<boolean> {
    if (this.view()) return Promise.resolve(true);
    this.restoring ??= this.fetchSession().finally(() => (this.restoring = null));
    return this.restoring;
  }

  private async fetchSession(): Promise<boolean> {
    try {
      const response = await fetch(sessionUrl, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (!response.ok) return false;
      const view = parseSessionView(await response.json());
      this.view.set(view);
      return view !== null;
    } catch {
      return false;
    }
  }

  /**
   * Asks the server whether the session still holds (after the live stream was refused); ends it
   * here when not, so the user lands on the log-in page. True while it holds or the server is away.
   */
  async restoreOrEnd(): Promise<boolean> {
    if (!this.view()) return false;
    try {
      const response = await fetch(sessionUrl, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (response.status === 401) {
        this.ended();
        return false;
      }
      return true;
    } catch {
      return true;
    }
  }

  async logIn(user: string, password: string): Promise<SessionUser> {
    let response: Response;
    try {
      response = await fetch(sessionUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ user, password }),
      });
    } catch {
      throw new LoginRefused('The server cannot be reached; check your connection and try again.', 'unavailable');
    }
    if (response.status === 401) {
      throw new LoginRefused('The user name or the password is wrong.', 'credentials');
    }
    if (response.status === 429) {
      const seconds = Math.max(1, Number.parseInt(response.headers.get('retry-after') ?? '', 10) || 60);
      throw new LoginRefused(`Too many failed log-ins: wait ${seconds} s before trying again.`, 'rate_limited', seconds);
    }
    const body: unknown = await response.json().catch(() => null);
    const view = response.ok ? parseSessionView(body) : null;
    if (!view) {
      const said = isRecord(body) && isRecord(body['error']) && typeof body['error']['message'] === 'string' ? body['error']['message'] : null;
      throw new LoginRefused(said ?? `The server answered HTTP ${response.status}; try again later.`, 'unavailable');
    }
    this.view.set(view);
    return view.user;
  }

  async logOut(): Promise<void> {
    const csrf = this.csrfToken();
    try {
      await fetch(sessionUrl, { method: 'DELETE', credentials: 'same-origin', headers: { 'x-maestro-csrf': csrf } });
    } finally {
      this.clear();
      await this.router.navigateByUrl('/login');
    }
  }

  /**
   * The server said the session is over (401 on a call, or the live stream refused): back to the
   * log-in page with why, returning to the page the user was on.
   */
  ended(reason = 'Your session has ended; log in again.'): void {
    if (!this.view()) return;
    const returnUrl = this.router.url;
    this.clear();
    void this.router.navigate(['/login'], { queryParams: { returnUrl: returnUrl.startsWith('/login') ? null : returnUrl, reason } });
  }

  private clear(): void {
    this.view.set(null);
    for (const listener of this.endListeners) listener();
  }
}
