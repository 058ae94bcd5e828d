import type { Managers } from '../../protocol/commands/index.js';
import type { ManagerHandlers } from '../context.js';
import { auditEvents, auditExport } from '../queries/audit-events.js';
import { tenantsInView } from './scope.js';

export const events: ManagerHandlers<Managers['events']> = {
  async describe(input, ctx) {
    return auditEvents(ctx.db, { ...input, ...(await tenantsInView(ctx, input)) });
  },
  async export(input, ctx) {
    const { records, nextCursor } = await auditExport(ctx.db, { ...input, ...(await tenantsInView(ctx, input)) });
    return { records: records as unknown as Record<string, unknown>[], nextCursor };
  },
};
