import type { Image } from '../../../protocol/commands/compute-schemas.js';
import { notFound } from '../../../protocol/errors.js';
import { defineAction, epochMs } from '../action.js';
import { m3, wireParams } from '../params.js';
import { instanceInRegion, regionParam, tenantParam } from './compute-common.js';

/** An image as the clients display it. imageType is our catalog: public, or the tenant's own. */
const imageView = (image: Image) => ({
  imageId: image.id,
  name: image.name,
  description: image.description === '' ? null : image.description,
  imageType: image.catalog,
  imageState: image.state,
  osType: image.os,
  minStorageSizeGb: image.minDiskGb,
  createdDate: epochMs(image.createdAt),
  region: image.region,
  tenantName: image.tenant,
});

/** DESCRIBE_IMAGE: the images a tenant can run in a region. */
export const describeImages = defineAction({
  action: 'DESCRIBE_IMAGE',
  params: wireParams({ tenantName: tenantParam(), region: regionParam() }),
  async run(params, { maestro }) {
    const { items } = await maestro.images.describe({ tenant: params.tenantName, region: params.region });
    return items.map(imageView);
  },
});

/**
 * CREATE_IMAGE: images.create from an instance of the region, with the description given. The
 * answer is a list of the one image: the client's plugin reads its first item.
 */
export const createImage = defineAction({
  action: 'CREATE_IMAGE',
  params: wireParams({
    tenantName: tenantParam(),
    region: regionParam(),
    instanceId: m3.text(64),
    name: m3.text(128),
    description: m3.anyText(1000),
  }),
  async run(params, { maestro }) {
    await instanceInRegion(maestro, params.tenantName, params.region, params.instanceId);
    const image = await maestro.images.create({
      tenant: params.tenantName,
      instance: params.instanceId,
      name: params.name,
      ...(params.description.trim() !== '' ? { description: params.description } : {}),
    });
    return [{ ...imageView(image), attachedVolumes: null }];
  },
});

/** DELETE_IMAGE: images.delete of one of the tenant's images in the region. */
export const deleteImage = defineAction({
  action: 'DELETE_IMAGE',
  params: wireParams({ tenantName: tenantParam(), region: regionParam(), imageId: m3.text(64) }),
  async run(params, { maestro }) {
    const { items } = await maestro.images.describe({ tenant: params.tenantName, region: params.region });
    const image = items.find((i) => i.id === params.imageId);
    if (!image) {
      throw notFound('image', params.imageId, `tenant ${params.tenantName} has no such image in region ${params.region}; describe-images lists them`);
    }
    await maestro.images.delete({ tenant: params.tenantName, id: image.id });
    return { imageId: image.id, name: image.name, imageState: 'deleted' };
  },
});

export const imageActions = [describeImages, createImage, deleteImage];
