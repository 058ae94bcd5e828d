import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import { allows } from './guards';
import { consolePages } from './pages';
import { SessionService } from './session.service';

/** The console's root opens the first Overview page the user may see (the dashboard), else the first page they may see. */
export const homeGuard: CanActivateFn = () => {
  const session = inject(SessionService);
  const router = inject(Router);
  const visible = consolePages.filter((page) => !page.hidden && allows(session, page.access));
  const first = visible.find((page) => page.group === 'Overview') ?? visible[0];
  return first ? router.createUrlTree([first.path]) : router.createUrlTree(['/forbidden'], { queryParams: { none: 1 } });
};
