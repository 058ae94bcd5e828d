import type { CompatAction } from '../action.js';

export const eventActions: readonly CompatAction[] = [];
