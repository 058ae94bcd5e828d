import { z } from 'zod';
import type { CloudInstance, CloudShape } from '../../driver.js';
import { instanceState } from '../states.js';
import type { Page } from '../../paging.js';
import { readAnswer } from './json.js';

/** Nova's links list (`servers_links`, `flavors_links`): the address of the next page, if any. */
const links = z.array(z.object({ rel: z.string(), href: z.string() })).optional();
export const nextLink = (list: z.output<typeof links>): string | null => list?.find((l) => l.rel === 'next')?.href ?? null;

/**
 * A server as Nova describes it from microversion 2.47 on (the flavor embedded). A server of a
 * cell that is down comes with its id and status only (2.69), so nearly everything is optional.
 */
export const novaServer = z.object({
  id: z.string(),
  name: z.string().default(''),
  status: z.string().nullish(),
  'OS-EXT-STS:vm_state': z.string().nullish(),
  'OS-EXT-STS:task_state': z.string().nullish(),
  flavor: z.object({ vcpus: z.number().optional(), ram: z.number().optional(), disk: z.number().optional(), original_name: z.string().optional() }).optional(),
  // "" for a server booted from a volume.
  image: z.union([z.object({ id: z.string() }), z.literal('')]).optional(),
  metadata: z.record(z.string(), z.string()).default({}),
  created: z.string().optional(),
  updated: z.string().optional(),
  'OS-SRV-USG:launched_at': z.string().nullish(),
  fault: z.object({ message: z.string(), code: z.number().optional() }).optional(),
  addresses: z.record(z.string(), z.array(z.object({ addr: z.string() }).loose())).optional(),
});
export type NovaServer = z.output<typeof novaServer>;

/** Nova's launched_at has no zone ("2026-12-07T13:53:17.000000"): it is UTC. */
const utc = (time: string) => (/[zZ]|[+-]\d\d:?\d\d$/.test(time) ? new Date(time) : new Date(`${time}Z`)).toISOString();

export function instanceOf(server: NovaServer): CloudInstance {
  // Creation, not launched_at: Nova moves launched_at on every resize.
  const launched = server.created ?? server['OS-SRV-USG:launched_at'];
  return {
    nativeId: server.id,
    name: server.name,
    state: instanceState({ status: server.status ?? null, vmState: server['OS-EXT-STS:vm_state'] ?? null, taskState: server['OS-EXT-STS:task_state'] ?? null }),
    cpu: server.flavor?.vcpus ?? 0,
    ramMb: server.flavor?.ram ?? 0,
    diskGb: server.flavor?.disk ?? 0,
    imageNativeId: typeof server.image === 'object' ? server.image.id : null,
    tags: server.metadata,
    launchedAt: launched ? utc(launched) : new Date(0).toISOString(),
  };
}

/** What a waiter looks at: Nova's status with the task it is busy with, if any. */
export function progressOf(server: NovaServer): string {
  const task = server['OS-EXT-STS:task_state'];
  return task ? `${server.status ?? 'UNKNOWN'}/${task}` : (server.status ?? 'UNKNOWN');
}

export const readServer = (text: string) => readAnswer(z.object({ server: novaServer }), text, 'a server').server;

export const readServerPage = (text: string): Page<NovaServer, string> => {
  const body = readAnswer(z.object({ servers: z.array(novaServer), servers_links: links }), text, 'a page of servers');
  return { items: body.servers, next: nextLink(body.servers_links) };
};

/** POST /servers answers with the new server's id only. */
export const readCreatedServer = (text: string) => readAnswer(z.object({ server: z.object({ id: z.string() }) }), text, 'a new server').server.id;

const novaFlavor = z.object({
  id: z.string(),
  name: z.string(),
  vcpus: z.number(),
  ram: z.number(),
  disk: z.number(),
  'OS-FLV-DISABLED:disabled': z.boolean().optional(),
});
type NovaFlavor = z.output<typeof novaFlavor>;

export const shapeOf = (flavor: NovaFlavor): CloudShape => ({ nativeId: flavor.id, name: flavor.name, cpu: flavor.vcpus, ramMb: flavor.ram, diskGb: flavor.disk });

export const readFlavor = (text: string) => shapeOf(readAnswer(z.object({ flavor: novaFlavor }), text, 'a flavor').flavor);

export const readFlavorPage = (text: string): Page<CloudShape, string> => {
  const body = readAnswer(z.object({ flavors: z.array(novaFlavor), flavors_links: links }), text, 'a page of flavors');
  return { items: body.flavors.filter((f) => f['OS-FLV-DISABLED:disabled'] !== true).map(shapeOf), next: nextLink(body.flavors_links) };
};

export const readKeyPair = (text: string) =>
  readAnswer(z.object({ keypair: z.object({ name: z.string(), fingerprint: z.string() }) }), text, 'a key pair').keypair;

/** POST /servers/{id}/action createImage answers with the image's id (microversion 2.45 on). */
export const readCapturedImage = (text: string) => readAnswer(z.object({ image_id: z.string() }), text, 'an image capture').image_id;

/**
 * The compute API's version document (GET on the endpoint): the microversions it speaks. Before
 * microversions existed `version` is "" (v2.0): treat it as 2.0.
 */
export function readComputeVersions(text: string): { min: string; max: string } {
  const version = z.object({ id: z.string(), version: z.string().default(''), min_version: z.string().default('') });
  const body = readAnswer(z.union([z.object({ version }), z.object({ versions: z.array(version) })]), text, 'the compute versions document');
  const found = 'version' in body ? body.version : (body.versions.find((v) => v.id === 'v2.1') ?? body.versions[0]);
  return { min: found?.min_version || '2.0', max: found?.version || '2.0' };
}
