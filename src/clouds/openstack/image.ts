import type { OpenStackClient } from './client.js';
import { readImage, readImagePage, type GlanceImage } from './parse/image.js';

/** Glance (images): API calls only; the answers are read by parse/image.ts. */
export class ImageApi {
  constructor(
    private readonly client: OpenStackClient,
    private readonly pageSize: number | undefined,
  ) {}

  /** Every image the project sees, or those of one visibility (public, private, shared, community). */
  listImages(filter: { visibility?: string; status?: string } = {}, signal?: AbortSignal): Promise<GlanceImage[]> {
    return this.client.listByLink('image', '/v2/images', { limit: this.pageSize, ...filter }, readImagePage, 'images', signal);
  }

  async getImage(id: string, signal?: AbortSignal): Promise<GlanceImage> {
    return readImage((await this.client.request('image', 'GET', `/v2/images/${encodeURIComponent(id)}`, signal ? { signal } : {})).text);
  }

  async deleteImage(id: string, signal?: AbortSignal): Promise<void> {
    await this.client.request('image', 'DELETE', `/v2/images/${encodeURIComponent(id)}`, signal ? { signal } : {});
  }
}
