import type { Type } from '@angular/core';
import type { PageAccess } from './guards';

/**
 * A command run on table rows: each input the command takes that is a field of the row is filled
 * from it (`from` renames: param → row field); with several rows selected, one call per row in a batch.
 */
export interface RowAction {
  command: string;
  /** Names the action in test ids when two actions share a command; default the command. */
  id?: string;
  label: string;
  icon?: string;
  /** Offered as a bulk action on the selected rows too. */
  bulk?: boolean;
  /** Only for rows whose field equals this value (e.g. instances among all resources). */
  when?: { field: string; equals: string | number | boolean };
  from?: Record<string, string>;
  /** Constant inputs (e.g. read: true for mark-read). */
  extra?: Record<string, unknown>;
}

/** One list a page shows: a list command, its columns, filters, actions and wizard buttons. */
export interface ListSpec {
  /** The list command (answers { items, nextCursor? }). */
  command: string;
  /** A tab's label when a page has several lists. */
  label?: string;
  /** Columns (paths into each item); default the command's x-maestro.columns. */
  columns?: string[];
  /** The field that identifies a row (row test ids, selection); default id, else name. */
  rowId?: string;
  /** Where a row leads: ':field' is the row's field, e.g. '/instances/:id'. */
  rowLink?: string;
  /** CADF event types (prefix before the dot, e.g. 'instance'; '*' for any) that re-read the table when they arrive. */
  liveTypes?: string[];
  actions?: RowAction[];
  /** Commands offered as buttons above the table, each opening its form at /run/<command>. */
  wizards?: string[];
  /** A facets command (resources.facets) feeding a nested filter panel. */
  facets?: string;
  /** Filter values the list starts with when the URL gives none (e.g. order: newest). */
  defaults?: Record<string, string>;
  /** Filters shown first (the rest of the list command's scalar inputs follow under "More filters"). */
  filters?: string[];
}

export type PageGroup = 'Overview' | 'Resources' | 'Billing' | 'Operations' | 'Administration' | 'Personal';

export interface PageEntry {
  /** The route under the shell, e.g. 'images'. */
  path: string;
  title: string;
  /** A Material icon name. */
  icon: string;
  group: PageGroup;
  access: PageAccess;
  /** A generic page: one list, or tabs of several. */
  lists?: ListSpec[];
  /** A bespoke page instead (pages/…), loaded lazily. */
  load?: () => Promise<Type<unknown>>;
  /** Not in the menu (reached by links, e.g. an instance's detail). */
  hidden?: boolean;
}
