import { z } from 'zod';
import { priceSchedule } from '../billing.js';
import { targetTypes } from '../cadf.js';
import { defineEvent } from '../events.js';

const id = z.string().uuid();

export const pricePolicyCreated = defineEvent('pricePolicy.created', {
  action: 'create',
  target: targetTypes.pricePolicy,
  data: z.object({
    id,
    regionId: id,
    effectiveFrom: z.string(),
    currency: z.string(),
    prices: priceSchedule,
    description: z.string(),
  }),
});

export const pricePolicyDeleted = defineEvent('pricePolicy.deleted', {
  action: 'delete',
  target: targetTypes.pricePolicy,
  data: z.object({ id }),
});
