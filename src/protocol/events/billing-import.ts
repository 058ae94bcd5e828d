import { z } from 'zod';
import { billingImportSummary, publicBillingClouds } from '../billing-import.js';
import { targetTypes } from '../cadf.js';
import { defineEvent } from '../events.js';

const id = z.string().uuid();
const cloud = z.enum(publicBillingClouds);

export const billingAccountMapped = defineEvent('billingAccount.mapped', {
  action: 'update',
  target: targetTypes.billingAccount,
  data: z.object({ cloud, account: z.string(), name: z.string(), tenantId: id, customerId: id }),
});

export const billingAccountUnmapped = defineEvent('billingAccount.unmapped', {
  action: 'delete',
  target: targetTypes.billingAccount,
  data: z.object({ cloud, account: z.string(), tenantId: id }),
});

/** A FOCUS file was imported: the summary (counts, periods, totals, unknown accounts), never its rows. */
export const billingImported = defineEvent('billing.imported', {
  action: 'create',
  target: targetTypes.billingImport,
  data: billingImportSummary,
});
