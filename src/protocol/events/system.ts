import { z } from 'zod';
import { targetTypes } from '../cadf.js';
import { defineEvent } from '../events.js';

/**
 * An administrator rebuilt the projections from the log (system.rebuild): who and when, and the
 * report's figures. Appended after the replay, in its transaction; no projection folds it, so a
 * later replay passes over it and rebuilds the same read models.
 */
export const projectionsRebuilt = defineEvent('system.rebuilt', {
  action: 'update',
  target: targetTypes.database,
  data: z.object({
    /** Events replayed (the log up to this event). */
    events: z.number().int(),
    projections: z.array(z.string()),
    milliseconds: z.number().int(),
  }),
});
