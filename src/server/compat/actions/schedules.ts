import type { CompatAction } from '../action.js';

export const scheduleActions: readonly CompatAction[] = [];
