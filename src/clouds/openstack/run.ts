import { CloudError, PartialRunError, type CloudInstance, type CloudShape, type DriverCall, type ResizeRequest, type RunRequest } from '../driver.js';
import type { ComputeApi, NovaServerRequest } from './compute.js';

/**
 * The shape a run without a named one gets: the smallest (fewest vCPUs, then least RAM, then
 * least disk) that has at least what was asked for. A flavor with disk 0 boots from a volume
 * of the image's size, so it fits any disk.
 */
export function smallestFitting(shapes: readonly CloudShape[], need: { cpu: number; ramMb: number; diskGb: number }): CloudShape | null {
  const fitting = shapes.filter((s) => s.cpu >= need.cpu && s.ramMb >= need.ramMb && (s.diskGb === 0 || s.diskGb >= need.diskGb));
  fitting.sort((a, b) => a.cpu - b.cpu || a.ramMb - b.ramMb || a.diskGb - b.diskGb || a.name.localeCompare(b.name));
  return fitting[0] ?? null;
}

export async function resolveShape(compute: ComputeApi, request: ResizeRequest, signal: AbortSignal): Promise<CloudShape> {
  if (request.shapeNativeId) return compute.getFlavor(request.shapeNativeId, signal);
  const shapes = await compute.listFlavors(signal);
  const shape = smallestFitting(shapes, request);
  if (!shape) {
    throw new CloudError(
      'invalid',
      `no flavor has ${request.cpu} vCPU, ${request.ramMb} MB of RAM and ${request.diskGb} GB of disk; the region has ${shapes.map((s) => `${s.name} (${s.cpu} vCPU, ${s.ramMb} MB, ${s.diskGb} GB)`).join(', ') || 'none'}`,
    );
  }
  return shape;
}

/** Servers asked of Nova at once: each POST takes about a second, twenty in a row took more than a call may. */
const PARALLEL_CREATES = 5;

/**
 * Creates one server per name, a few at a time, all or nothing: when a creation fails, the ones
 * under way finish and no more start, and a PartialRunError names the servers that exist so the
 * caller removes them again. Nova's own multi-create (min_count) is not used: it numbers the
 * names itself.
 */
export async function runServers(
  compute: ComputeApi,
  request: RunRequest,
  shape: CloudShape,
  keyName: string | null,
  call: DriverCall,
): Promise<CloudInstance[]> {
  const created: Array<CloudInstance | undefined> = [];
  let failure: unknown = null;
  let next = 0;
  const createOne = async (index: number, name: string) => {
    const server: NovaServerRequest = {
      name,
      flavorRef: shape.nativeId,
      imageRef: request.imageNativeId,
      metadata: request.tags,
      // "auto": the project's only network, or one Neutron allocates if the cloud offers that.
      networks: request.networkNativeId ? [{ uuid: request.networkNativeId }] : 'auto',
      ...(keyName ? { key_name: keyName } : {}),
      ...(request.userData ? { user_data: Buffer.from(request.userData, 'utf8').toString('base64') } : {}),
      ...(request.securityGroups?.length ? { security_groups: request.securityGroups.map((group) => ({ name: group })) } : {}),
    };
    const nativeId = await compute.createServer(server, call.signal);
    created[index] = {
      nativeId,
      name,
      state: 'pending',
      cpu: shape.cpu,
      ramMb: shape.ramMb,
      diskGb: shape.diskGb,
      imageNativeId: request.imageNativeId,
      tags: request.tags,
      launchedAt: call.now.toISOString(),
    };
  };
  const worker = async () => {
    while (failure === null && next < request.names.length) {
      const index = next++;
      try {
        await createOne(index, request.names[index]!);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CREATES, request.names.length) }, worker));
  const made = created.filter((server): server is CloudInstance => server !== undefined);
  if (failure === null) return made;
  if (made.length === 0) throw failure;
  const why = failure instanceof Error ? failure.message : String(failure);
  throw new PartialRunError(made, `the cloud created ${made.length} of ${request.names.length} servers, then refused: ${why}`);
}
