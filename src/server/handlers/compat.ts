import type { Managers } from '../../protocol/commands/index.js';
import { loadCompatActions } from '../compat/load-actions.js';
import { reference, referenceActions } from '../compat/reference.js';
import type { ManagerHandlers } from '../context.js';

export const compat: ManagerHandlers<Managers['compat']> = {
  async describe(input) {
    const compatActions = await loadCompatActions();
    const all = [...referenceActions()]
      .map(([action, commands]) => ({ action, supported: compatActions.has(action), commands: commands.map((c) => c.command) }))
      .sort((a, b) => a.action.localeCompare(b.action));
    return {
      referenceVersion: reference().version,
      supported: all.filter((a) => a.supported).length,
      total: all.length,
      items: input.supported === undefined ? all : all.filter((a) => a.supported === input.supported),
    };
  },
};
