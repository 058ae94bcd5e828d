import type { CompatAction } from '../action.js';

export const computeActions: readonly CompatAction[] = [];
