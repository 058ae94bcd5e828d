import { z } from 'zod';
import { clientCloudKinds, cloudKinds, regionKinds, regionStatuses } from '../clouds.js';
import { timestamp } from '../common.js';

/** The shapes the organisation commands return. */
export const customer = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.string(),
  status: z.enum(['active', 'inactive']),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const tenantGroup = z.object({
  id: z.string(),
  customer: z.string(),
  name: z.string(),
  description: z.string(),
  createdAt: timestamp,
});

export const tenant = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.string(),
  description: z.string(),
  customer: z.string(),
  group: z.string().nullable(),
  status: z.enum(['active', 'inactive']),
  contacts: z.array(z.string()),
  regions: z.array(z.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const region = z.object({
  id: z.string(),
  name: z.string(),
  cloud: z.enum(cloudKinds),
  kind: z.enum(regionKinds),
  nativeName: z.string(),
  status: z.enum(regionStatuses),
  description: z.string(),
  /** The private agent that reaches its cloud; null where Maestro reaches it itself. */
  agent: z.string().nullable(),
  /** A simulated region's chosen client cloud; null for the default (and for every other cloud). */
  imitates: z.enum(clientCloudKinds).nullable(),
  /** The cloud the published Maestro clients know the region by (docs/compat.md). */
  clientCloud: z.enum(cloudKinds),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const user = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  customer: z.string().nullable(),
  systemAdmin: z.boolean(),
  status: z.enum(['active', 'disabled']),
  hasPassword: z.boolean(),
  roles: z.array(z.object({ tenant: z.string(), role: z.string() })),
  customerRole: z.string().nullable().describe('the role held in every tenant of the customer without a role of its own'),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const accessKey = z.object({
  accessKey: z.string(),
  user: z.string(),
  description: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
});

export type Customer = z.infer<typeof customer>;
export type TenantGroup = z.infer<typeof tenantGroup>;
export type Tenant = z.infer<typeof tenant>;
export type Region = z.infer<typeof region>;
export type User = z.infer<typeof user>;
export type AccessKey = z.infer<typeof accessKey>;
