import type { CompatAction } from '../action.js';

export const quotaActions: readonly CompatAction[] = [];
