import { z } from 'zod';
import { defineCommand, defineManager } from '../command.js';
import { displayText, identifier, ok, page, pageInput } from '../common.js';

const agentName = identifier('agent name');

const agentKey = z.object({
  accessKey: z.string(),
  createdAt: z.string(),
  /** When the key stops being accepted: null while it is the agent's current key. */
  retiresAt: z.string().nullable(),
});

export const agent = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  /** From its heartbeats: online, late (missed a few), offline, or never seen. */
  state: z.enum(['online', 'late', 'offline', 'never']),
  /** Since when it is in that state. */
  since: z.string().nullable(),
  lastSeen: z.string().nullable(),
  version: z.string().nullable(),
  /** The regions Maestro sends to this agent. */
  regions: z.array(z.string()),
  /** The regions the agent said it serves when it last registered. */
  reportedRegions: z.array(z.string()),
  keys: z.array(agentKey),
  createdAt: z.string(),
});

const newKey = z.object({ accessKey: z.string(), secretKey: z.string() });

/** Private agents (ARCHITECTURE §4): processes near private clouds that Maestro reaches over RabbitMQ. */
export const agents = defineManager('agents', 'agent', {
  create: defineCommand({
    summary: 'Register a private agent and create its key pair; the secret is shown only once',
    input: z.strictObject({ name: agentName, description: displayText(500).optional() }),
    output: agent.extend({ key: newKey }),
    permission: 'MANAGE_AGENT',
    feature: 'privateClouds',
    audit: 'create',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  describe: defineCommand({
    summary: 'List private agents with their state (online, late, offline, since when), regions and keys',
    input: z.strictObject({ name: agentName.optional(), ...pageInput }),
    output: page(agent),
    permission: 'DESCRIBE_AGENT',
    feature: 'privateClouds',
    audit: null,
    audience: 'admin',
    scope: { kind: 'platform' },
    cli: { columns: ['name', 'state', 'since', 'version', 'regions'] },
  }),
  rotateKey: defineCommand({
    summary: "Give an agent a new key pair; its other keys keep working for the overlap, then retire",
    input: z.strictObject({
      name: agentName,
      overlapHours: z.number().min(0).max(720).default(24).describe('how long the keys it had keep working (default 24)'),
    }),
    output: z.object({ name: z.string(), key: newKey, keys: z.array(agentKey) }),
    permission: 'MANAGE_AGENT',
    feature: 'privateClouds',
    audit: 'update',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  retireKey: defineCommand({
    summary: 'Stop accepting one key of an agent now (a leaked key)',
    input: z.strictObject({ name: agentName, accessKey: z.string().trim().min(1).max(64) }),
    output: ok,
    permission: 'MANAGE_AGENT',
    feature: 'privateClouds',
    audit: 'revoke',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
  delete: defineCommand({
    summary: 'Remove an agent that serves no region; its keys stop working',
    input: z.strictObject({ name: agentName }),
    output: ok,
    permission: 'MANAGE_AGENT',
    feature: 'privateClouds',
    audit: 'delete',
    audience: 'admin',
    scope: { kind: 'platform' },
  }),
});
