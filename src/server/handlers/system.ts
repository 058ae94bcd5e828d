import type { Managers } from '../../protocol/commands/index.js';
import { headSeq } from '../../store/event-log.js';
import type { ManagerHandlers } from '../context.js';

export const system: ManagerHandlers<Managers['system']> = {
  async status(_input, ctx) {
    const { services } = ctx;
    return {
      version: services.version,
      node: services.nodeName,
      database: services.db.kind,
      eventSeq: await headSeq(ctx.db),
      startedAt: services.startedAt.toISOString(),
      uptimeSeconds: Math.round((services.clock.now().getTime() - services.startedAt.getTime()) / 1000),
    };
  },
  rebuild: (_input, ctx) => ctx.services.rebuild({ actor: ctx.actor, requestId: ctx.requestId }),
};
