import { z } from 'zod';
import { targetTypes } from '../cadf.js';
import { defineEvent } from '../events.js';

const id = z.uuid();

/** A private agent an administrator registered: it may connect with its keys and serve regions. */
export const agentCreated = defineEvent('agent.created', {
  action: 'create',
  target: targetTypes.agent,
  data: z.object({ id, name: z.string(), description: z.string() }),
});

/** A key pair of an agent; several are valid at once while a key is being rotated. */
export const agentKeyCreated = defineEvent('agent.keyCreated', {
  action: 'create',
  target: targetTypes.agent,
  data: z.object({
    agentId: id,
    accessKey: z.string(),
    /** The secret key, encrypted with the master key; never shown in the audit log. */
    secretEncrypted: z.string(),
  }),
  secretFields: ['secretEncrypted'],
});

/** A key no longer accepted from `retiresAt` on (now, or the end of a rotation's overlap). */
export const agentKeyRetired = defineEvent('agent.keyRetired', {
  action: 'revoke',
  target: targetTypes.agent,
  data: z.object({ agentId: id, accessKey: z.string(), retiresAt: z.string() }),
});

export const agentDeleted = defineEvent('agent.deleted', {
  action: 'delete',
  target: targetTypes.agent,
  data: z.object({ id }),
});

/** An agent connected (its REGISTER): what it runs and serves, and the key it signs with. */
export const agentConnected = defineEvent('agent.connected', {
  action: 'authenticate',
  target: targetTypes.agent,
  data: z.object({ agentId: id, version: z.string(), regions: z.array(z.string()), keyId: z.string(), startedAt: z.string() }),
});
