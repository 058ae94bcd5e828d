import type { OpenStackClient } from './client.js';
import { readVolume, readVolumePage, type CinderVolume } from './parse/block-storage.js';

/** Cinder (block storage): API calls only; the answers are read by parse/block-storage.ts. */
export class BlockStorageApi {
  constructor(
    private readonly client: OpenStackClient,
    private readonly pageSize: number | undefined,
  ) {}

  /** Whether the region's catalog has a block-storage service at all. */
  async available(signal?: AbortSignal): Promise<boolean> {
    return (await this.client.endpoint('block-storage', signal)) !== null;
  }

  listVolumes(signal?: AbortSignal): Promise<CinderVolume[]> {
    return this.client.listByLink('block-storage', '/volumes/detail', { limit: this.pageSize }, readVolumePage, 'volumes', signal);
  }

  async getVolume(id: string, signal?: AbortSignal): Promise<CinderVolume> {
    return readVolume((await this.client.request('block-storage', 'GET', `/volumes/${encodeURIComponent(id)}`, signal ? { signal } : {})).text);
  }

  async createVolume(request: { name: string; sizeGb: number }, signal?: AbortSignal): Promise<CinderVolume> {
    const body = { volume: { name: request.name, size: request.sizeGb } };
    return readVolume((await this.client.request('block-storage', 'POST', '/volumes', { body, ...(signal ? { signal } : {}) })).text);
  }

  async deleteVolume(id: string, signal?: AbortSignal): Promise<void> {
    await this.client.request('block-storage', 'DELETE', `/volumes/${encodeURIComponent(id)}`, signal ? { signal } : {});
  }
}
