import { z } from 'zod';
import { cloudKinds } from '../clouds.js';
import { instanceStates, tags, volumeStates } from '../compute.js';
import { identifier, timestamp } from '../common.js';

/** The shapes the compute commands take and return. */
export const tenantScope = { tenant: identifier('tenant name') };
export const resourceId = (what: string) => z.string().uuid(`${what} ids are UUIDs, as describe returns them`);
export const resourceName = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} names must not be empty`)
    .max(128, `${what} names are at most 128 characters`)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._ -]*$/, `${what} names may contain letters, digits, spaces and '._-'`);

export const instance = z.object({
  id: z.string(),
  name: z.string(),
  tenant: z.string(),
  region: z.string(),
  cloud: z.enum(cloudKinds),
  nativeId: z.string(),
  state: z.enum(instanceStates),
  stateReason: z.string().nullable(),
  shape: z.string().nullable(),
  cpu: z.number(),
  ramGb: z.number(),
  diskGb: z.number(),
  /** While a resize through a private agent runs, the size it moves to; null otherwise. */
  resizingTo: z.object({ shape: z.string().nullable(), cpu: z.number(), ramGb: z.number(), diskGb: z.number() }).nullable(),
  image: z.string().nullable(),
  keyName: z.string().nullable(),
  /** The public IP it is reached at (publicIps.associate), and its private address that forwards to; null without one. */
  publicIp: z.object({ address: z.string(), privateAddress: z.string().nullable() }).nullable(),
  owner: z.string().nullable(),
  managed: z.boolean(),
  terminationProtection: z.boolean(),
  tags: z.record(z.string(), z.string()),
  stopAfter: timestamp.nullable(),
  terminateAfter: timestamp.nullable(),
  launchedAt: timestamp,
  updatedAt: timestamp,
});

export const shape = z.object({
  name: z.string(),
  cpu: z.number(),
  ramGb: z.number(),
  custom: z.boolean(),
});

export const image = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  catalog: z.enum(['public', 'tenant']),
  tenant: z.string().nullable(),
  os: z.string(),
  minDiskGb: z.number(),
  /** What its creator said it is for; empty for the public catalog's. */
  description: z.string(),
  /** available; pending while a capture through a private agent runs; error when it failed (stateReason says why). */
  state: z.string(),
  stateReason: z.string().nullable(),
  /** The cloud's id; null until a pending capture is done. */
  nativeId: z.string().nullable(),
  createdAt: timestamp,
});

export const volume = z.object({
  id: z.string(),
  name: z.string(),
  tenant: z.string(),
  region: z.string(),
  /** The cloud's id; null while a creation through a private agent is pending, and after it failed. */
  nativeId: z.string().nullable(),
  sizeGb: z.number(),
  /**
   * creating, attaching or detaching while a private agent carries the change out; error when a
   * creation failed; a failed attach or detach leaves the state as it was. stateReason says why.
   */
  state: z.enum(volumeStates),
  stateReason: z.string().nullable(),
  instanceId: z.string().nullable(),
  owner: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const sshKey = z.object({
  id: z.string(),
  name: z.string(),
  tenant: z.string(),
  fingerprint: z.string(),
  publicKey: z.string(),
  owner: z.string().nullable(),
  createdAt: timestamp,
});

export const resource = z.object({
  id: z.string(),
  type: z.enum(['instance', 'volume', 'image']),
  name: z.string(),
  region: z.string(),
  cloud: z.enum(cloudKinds),
  service: z.string(),
  nativeId: z.string(),
  tags: z.record(z.string(), z.string()),
});

export { tags };
export type Instance = z.infer<typeof instance>;
export type Shape = z.infer<typeof shape>;
export type Image = z.infer<typeof image>;
export type Volume = z.infer<typeof volume>;
export type SshKey = z.infer<typeof sshKey>;
export type Resource = z.infer<typeof resource>;
