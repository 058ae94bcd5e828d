import { z } from 'zod';
import { targetTypes } from '../cadf.js';
import { defineEvent } from '../events.js';

const id = z.string().uuid();

/**
 * A job failed for good: its attempts are spent (or its payload can never be valid). Recorded
 * with outcome failure, for administrators and notifications; the stack stays in the job.
 */
export const jobFailed = defineEvent('job.failed', {
  action: 'update',
  target: targetTypes.job,
  data: z.object({
    id,
    type: z.string(),
    attempts: z.number().int(),
    error: z.string(),
    recurring: z.string().nullable(),
    node: z.string().describe('the node that recorded the failure'),
  }),
});

/** An administrator put a failed job back in the queue with all its attempts. */
export const jobRetried = defineEvent('job.retried', {
  action: 'update',
  target: targetTypes.job,
  data: z.object({ id, type: z.string(), previousError: z.string().nullable() }),
});
