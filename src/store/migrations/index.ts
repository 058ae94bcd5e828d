import foundation from './0001-foundation.js';
import compute from './0002-compute.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration in order. A migration, once released, is never edited: add a new one. */
export const migrations: readonly Migration[] = [foundation, compute];
