import type { PageEntry } from '../core/page-registry';

/**
 * Pages with their own component (pages/<name>/), lazily loaded: add an entry with `load` here
 * (dashboard, reporting, instance detail…); core/pages.ts lists the generic ones.
 */
export const bespokePages: PageEntry[] = [];
