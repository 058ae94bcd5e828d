import { z } from 'zod';
import { targetTypes } from '../cadf.js';
import { defineEvent } from '../events.js';

const id = z.string().uuid();

/**
 * A console login that needed someone's approval (seed §3.5.1, "Login Approved") was approved.
 * No login flow records it yet; the notifications already tell the user when one does.
 */
export const loginApproved = defineEvent('login.approved', {
  action: 'allow',
  target: targetTypes.user,
  data: z.object({
    /** Whose login it was: who is told. */
    userId: id,
    approverId: id.nullable(),
    approverName: z.string(),
    /** Where the attempt came from, as the login flow saw it. */
    address: z.string().nullable(),
  }),
});
