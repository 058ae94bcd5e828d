import { z } from 'zod';

/**
 * The text filter of the lists the console's pickers read (src/protocol/commands/ui-pickers.ts):
 * part of the name, any case, matched by the server so a picker never fetches a whole list.
 */
export const searchInput = {
  search: z
    .string()
    .trim()
    .min(1, 'search must not be empty; leave it out to list every name')
    .max(128, 'search is at most 128 characters')
    .optional()
    .describe('only those whose name (or display name, where they have one) contains this text, in any case'),
};
