import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import { allows } from './guards';
import { consolePages } from './pages';
import { SessionService } from './session.service';

/** The console's root opens the first page the user may see (menus show only those). */
export const homeGuard: CanActivateFn = () => {
  const session = inject(SessionService);
  const router = inject(Router);
  const first = consolePages.find((page) => !page.hidden && allows(session, page.access));
  return first ? router.createUrlTree([first.path]) : router.createUrlTree(['/forbidden'], { queryParams: { none: 1 } });
};
