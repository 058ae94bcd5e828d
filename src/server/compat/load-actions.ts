import type { CompatAction } from './action.js';

let loading: Promise<ReadonlyMap<string, CompatAction>> | undefined;

/**
 * The actions of the compatible endpoint, loaded on first use: building their parameter schemas
 * costs start-up time that a node serving only JSON-RPC never needs.
 */
export const loadCompatActions = (): Promise<ReadonlyMap<string, CompatAction>> =>
  (loading ??= import('./actions/index.js').then((module) => module.compatActions));
