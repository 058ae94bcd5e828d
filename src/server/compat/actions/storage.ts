import type { CompatAction } from '../action.js';

export const storageActions: readonly CompatAction[] = [];
