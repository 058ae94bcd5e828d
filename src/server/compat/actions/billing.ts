import type { CompatAction } from '../action.js';

export const billingActions: readonly CompatAction[] = [];
