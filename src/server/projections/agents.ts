import * as events from '../../protocol/events/agents.js';
import { entityProjection } from '../../store/projection.js';

interface AgentRow {
  id: string;
  name: string;
  description: string;
  createdAt: string;
}

const agents = entityProjection<AgentRow>({
  name: 'agents',
  table: { table: 'agents', columns: ['id', 'name', 'description', 'createdAt'], key: ['id'] },
  reducers: (on) => [
    on.set(events.agentCreated, (d) => ({ id: d.id }), (d, e) => ({ ...d, createdAt: e.time })),
    on.remove(events.agentDeleted, (d) => ({ id: d.id })),
  ],
});

interface AgentKeyRow {
  accessKey: string;
  agentId: string;
  secretEncrypted: string;
  createdAt: string;
  retiresAt: string | null;
}

// Keys stay after their agent is deleted (retired first by the handler): the audit trail names them.
const agentKeys = entityProjection<AgentKeyRow>({
  name: 'agent_keys',
  table: { table: 'agent_keys', columns: ['accessKey', 'agentId', 'secretEncrypted', 'createdAt', 'retiresAt'], key: ['accessKey'] },
  reducers: (on) => [
    on.set(events.agentKeyCreated, (d) => ({ accessKey: d.accessKey }), (d, e) => ({ ...d, createdAt: e.time, retiresAt: null })),
    on(events.agentKeyRetired, (d) => ({ accessKey: d.accessKey }), (row, d) => row && { ...row, retiresAt: d.retiresAt }),
  ],
});

export const agentProjections = [agents, agentKeys];
