import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import { SessionService } from './session.service';
import { DiscoveryService } from './discovery.service';
import { commandOfRoute } from './command-route';

/** Only with a session; else the log-in page, returning here afterwards. */
export const authGuard: CanActivateFn = async (_route, state) => {
  const session = inject(SessionService);
  const router = inject(Router);
  if (await session.restore()) return true;
  return router.createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};

/** What a page needs: its permission action (a _PAGE action, or its list command's) and its edition feature. */
export interface PageAccess {
  action: string;
  feature?: string | null;
}

/** The refusal page names what is missing, so the user knows what to ask an administrator for. */
function refuse(router: Router, access: PageAccess, url: string) {
  return router.createUrlTree(['/forbidden'], {
    queryParams: { action: access.action, feature: access.feature ?? null, from: url },
  });
}

export function allows(session: SessionService, access: PageAccess): boolean {
  return session.hasAction(access.action) && session.hasFeature(access.feature);
}

/** Route data `access: PageAccess` decides; the server still checks each call. */
export const permissionGuard: CanActivateFn = (route, state) => {
  const access = route.data['access'] as PageAccess | undefined;
  if (!access) return true;
  const session = inject(SessionService);
  return allows(session, access) || refuse(inject(Router), access, state.url);
};

/**
 * /run/:manager/:method: the wizard's _WIZARD action gates it when the command names one, else the
 * command's own permission action; its feature too.
 */
export const commandGuard: CanActivateFn = async (route, state) => {
  const name = commandOfRoute(route.paramMap.get('manager'), route.paramMap.get('method'));
  const session = inject(SessionService);
  const router = inject(Router);
  const method = await inject(DiscoveryService).find(name).catch(() => undefined);
  if (!method) return router.createUrlTree(['/not-found'], { queryParams: { what: `command ${name}` } });
  const extension = method['x-maestro'] ?? {};
  const access: PageAccess = { action: extension.ui?.wizard ?? extension.permission ?? '', feature: extension.feature ?? null };
  return allows(session, access) || refuse(router, access, state.url);
};
