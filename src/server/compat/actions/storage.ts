import { z } from 'zod';
import type { Volume } from '../../../protocol/commands/compute-schemas.js';
import { invalidState, notFound } from '../../../protocol/errors.js';
import { uuidPattern } from '../../../protocol/ids.js';
import { defineAction, everyPage, type Commands } from '../action.js';
import { m3, wireParams } from '../params.js';
import { resourceActions, tagActions } from './tags.js';

/**
 * Storage: the client's "storages" are Maestro's volumes. Volume ids are unique, so the region
 * a client names only narrows listings; Google zones and Azure resource groups name nothing in
 * Maestro's clouds.
 */

/** A volume as describe-storages prints it. */
const storageRow = (volume: Volume) => ({
  instanceId: volume.instanceId,
  sizeLabel: `${volume.sizeGb} GB`,
  state: volume.state,
  // Maestro's volumes are data volumes; an instance's system disk is not one of them.
  system: false,
  volumeId: volume.id,
  volumeName: volume.name,
  resourceGroup: null,
  googleAvailabilityZone: null,
  sizeGb: volume.sizeGb,
  region: volume.region,
  tenantName: volume.tenant,
  owner: volume.owner,
  tags: volume.tags,
  createdAt: Date.parse(volume.createdAt),
});

interface VolumeQuery {
  tenant: string;
  region: string;
  instance?: string | undefined;
  /** Only these; ids that are no volume id (not UUIDs) simply match nothing, as unknown ones do. */
  ids?: readonly string[] | undefined;
}

function regionVolumes(maestro: Commands, { tenant, region, instance, ids }: VolumeQuery) {
  const wanted = ids?.filter((id) => uuidPattern.test(id));
  if (wanted?.length === 0) return Promise.resolve([]);
  return everyPage((page) =>
    maestro.volumes.describe({ tenant, region, ...(instance !== undefined ? { instance } : {}), ...(wanted ? { ids: wanted } : {}), ...page }),
  );
}

const place = { tenantName: m3.text(64), region: m3.text(64) };

/** DESCRIBE_VOLUME (describe-storages): a tenant's volumes in a region, or an instance's, or some by id. */
export const describeStorages = defineAction({
  action: 'DESCRIBE_VOLUME',
  params: wireParams({ ...place, instanceId: m3.text(64).optional(), volumeIds: m3.list().optional() }),
  async run(params, { maestro }) {
    const { tenantName: tenant, region, instanceId: instance, volumeIds: ids } = params;
    const volumes = await regionVolumes(maestro, { tenant, region, instance, ids });
    if (params.volumeIds === undefined) return volumes.map(storageRow);
    const missing = params.volumeIds.filter((id) => !volumes.some((v) => v.id === id));
    if (missing.length > 0) {
      const where = params.instanceId === undefined ? `region ${params.region}` : `instance ${params.instanceId}`;
      throw notFound('volume', missing.join(', '), `tenant ${params.tenantName} has no such volume in ${where}; describe-storages lists them`);
    }
    return volumes.map(storageRow);
  },
});

/** CREATE_AND_ATTACH_VOLUME (create-attach-storage): volumes.create with the instance, which creates and attaches in one step, or neither. */
export const createAttachStorage = defineAction({
  action: 'CREATE_AND_ATTACH_VOLUME',
  params: wireParams({ ...place, instanceId: m3.text(64), volumeName: m3.text(128), sizeInGB: m3.integer(1, 65536) }),
  async run(params, { maestro }) {
    const volume = await maestro.volumes.create({
      tenant: params.tenantName,
      region: params.region,
      name: params.volumeName,
      sizeGb: params.sizeInGB,
      instance: params.instanceId,
    });
    return storageRow(volume);
  },
});

/**
 * DETACH_VOLUME (detach-storage): volumes.detach, which needs only the volume; the instance the
 * client names is checked first, so a volume attached elsewhere is never detached by mistake.
 */
export const detachStorage = defineAction({
  action: 'DETACH_VOLUME',
  params: wireParams({ ...place, instanceId: m3.text(64), volumeId: m3.text(64) }),
  async run(params, { maestro }) {
    const [volume] = await regionVolumes(maestro, { tenant: params.tenantName, region: params.region, ids: [params.volumeId] });
    if (!volume) {
      throw notFound('volume', params.volumeId, `tenant ${params.tenantName} has no such volume in region ${params.region}; describe-storages lists them`);
    }
    if (volume.instanceId !== params.instanceId) {
      throw invalidState(
        `volume ${volume.name} (${volume.id}) is ${volume.instanceId === null ? 'not attached to any instance' : `attached to instance ${volume.instanceId}`}, ` +
          `not to instance ${params.instanceId}; nothing was detached`,
        { state: volume.state, instanceId: volume.instanceId },
      );
    }
    return storageRow(await maestro.volumes.detach({ tenant: params.tenantName, id: volume.id }));
  },
});

/**
 * REMOVE_VOLUME (delete-storage): volumes.delete. The command-line client's plugin repeats the
 * Google zone (or, in older clients, the Azure resource group) in `params`; like the zone beside
 * it, they name nothing in Maestro's clouds.
 */
export const deleteStorage = defineAction({
  action: 'REMOVE_VOLUME',
  params: wireParams({
    ...place,
    volumeId: m3.text(64),
    availabilityZone: m3.text(64).optional(),
    params: z.strictObject({ availabilityZone: m3.text(64).optional(), resourceGroupName: m3.text(128).optional() }).optional(),
  }),
  async run(params, { maestro }) {
    await maestro.volumes.delete({ tenant: params.tenantName, id: params.volumeId });
    return { volumeId: params.volumeId, state: 'deleted' };
  },
});

export const storageActions = [describeStorages, createAttachStorage, detachStorage, deleteStorage, ...tagActions, ...resourceActions];
