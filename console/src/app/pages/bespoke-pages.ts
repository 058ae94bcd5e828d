import type { PageEntry } from '../core/page-registry';

/**
 * Pages with their own component (pages/<name>/), lazily loaded: add an entry with `load` here
 * (dashboard, reporting, instance detail…); core/pages.ts lists the generic ones.
 *
 * The server has no DASHBOARD_PAGE action: the dashboard opens with MANAGEMENT_PAGE (the seed's
 * dashboard belongs to the management area), and each of its cards shows only when the user may
 * run the card's own command.
 */
export const bespokePages: PageEntry[] = [
  {
    path: 'dashboard',
    title: 'Dashboard',
    icon: 'dashboard',
    group: 'Overview',
    access: { action: 'MANAGEMENT_PAGE', feature: 'compute' },
    load: () => import('./dashboard/dashboard-page').then((m) => m.DashboardPage),
  },
  {
    path: 'instances/:id',
    title: 'Instance',
    icon: 'computer',
    group: 'Resources',
    access: { action: 'DESCRIBE_INSTANCE', feature: 'compute' },
    hidden: true,
    load: () => import('./instance-detail/instance-detail-page').then((m) => m.InstanceDetailPage),
  },
  {
    path: 'reporting',
    title: 'Reporting',
    icon: 'bar_chart',
    group: 'Billing',
    access: { action: 'BILLING_PAGE', feature: 'reporting' },
    load: () => import('./reporting/reporting-page').then((m) => m.ReportingPage),
  },
  {
    path: 'jobs',
    title: 'Jobs and nodes',
    icon: 'memory',
    group: 'Operations',
    access: { action: 'DESCRIBE_JOBS' },
    load: () => import('./jobs-nodes/jobs-nodes-page').then((m) => m.JobsNodesPage),
  },
];
