import type { CompatAction } from '../action.js';
import { organisationActions } from './organisation.js';
import { status } from './status.js';

/** Every action of the Maestro protocol this server supports, by action name. */
export const compatActions: ReadonlyMap<string, CompatAction> = new Map(
  [status, ...organisationActions].map((action) => [action.action, action]),
);
