import { inject } from '@angular/core';
import { Router, type Routes } from '@angular/router';
import { commandRoute } from './core/command-route';
import { authGuard, commandGuard, permissionGuard } from './core/guards';
import { consolePages } from './core/pages';
import { homeGuard } from './core/home-guard';
import { Shell } from './shell/shell';

const listPage = () => import('./pages/list-page/list-page').then((m) => m.ListPage);

/** Every page lazily loaded (the initial bundle holds the shell only); page routes come from the registry. */
export const routes: Routes = [
  { path: 'login', title: 'Log in · Maestro', loadComponent: () => import('./pages/login/login-page').then((m) => m.LoginPage) },
  {
    path: '',
    component: Shell,
    canActivate: [authGuard],
    children: [
      { path: '', pathMatch: 'full', canActivate: [homeGuard], children: [] },
      ...consolePages.map((page) => ({
        path: page.path,
        title: `${page.title} · Maestro`,
        canActivate: [permissionGuard],
        data: { access: page.access, page },
        loadComponent: page.load ?? listPage,
      })),
      // In-app links in the old form (/run/instances.run) still land on the form.
      {
        path: 'run/:command',
        pathMatch: 'full',
        redirectTo: ({ params, queryParams }) => inject(Router).createUrlTree(commandRoute(String(params['command'])), { queryParams }),
      },
      {
        path: 'run/:manager/:method',
        title: 'Run · Maestro',
        canActivate: [commandGuard],
        loadComponent: () => import('./pages/run-command/run-command-page').then((m) => m.RunCommandPage),
      },
      { path: 'forbidden', title: 'Not allowed · Maestro', loadComponent: () => import('./pages/forbidden/forbidden-page').then((m) => m.ForbiddenPage) },
      { path: '**', title: 'Not found · Maestro', loadComponent: () => import('./pages/not-found/not-found-page').then((m) => m.NotFoundPage) },
    ],
  },
];
