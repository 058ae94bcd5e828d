import type { Clock } from '../../domain/clock.js';
import { CloudError, type CloudImage, type CloudInstance, type CloudShape, type CloudVolume } from '../driver.js';
import { waitForState } from '../waiter.js';
import type { BlockStorageApi } from './block-storage.js';
import type { ComputeApi } from './compute.js';
import type { OpenStackRegionConfig } from './config.js';
import type { ImageApi } from './image.js';
import { volumeOf } from './parse/block-storage.js';
import { instanceOf, progressOf, type NovaServer } from './parse/compute.js';
import { imageOf } from './parse/image.js';

/** A server's status, or `busy` while Nova has a task running on it. */
export function phase(server: NovaServer): string {
  return server['OS-EXT-STS:task_state'] ? 'busy' : (server.status ?? 'UNKNOWN');
}

/**
 * The operations the driver sees through to their end, each with the shared waiter: a resize
 * and its confirmation, an image capture, a volume's creation, attachment and detachment.
 */
export class Waits {
  constructor(
    private readonly apis: { compute: ComputeApi; images: ImageApi; volumes: BlockStorageApi },
    private readonly timeouts: OpenStackRegionConfig['timeouts'],
    private readonly clock: Clock,
  ) {}

  /** Resizes and confirms: Nova holds a resized server in VERIFY_RESIZE until told to keep it. */
  async resize(id: string, shape: CloudShape, signal: AbortSignal): Promise<CloudInstance> {
    const { compute } = this.apis;
    await compute.action(id, { resize: { flavorRef: shape.nativeId } }, signal);
    // A cloud that confirms resizes itself (resize_confirm_window) skips VERIFY_RESIZE: done once the flavor is the new one.
    const resized = (server: NovaServer) =>
      phase(server) !== 'busy' && server.status !== 'VERIFY_RESIZE' && server.flavor?.original_name === shape.name ? 'RESIZED' : phase(server);
    const server = await this.#server(`server ${id} to be resized to ${shape.name}`, id, ['busy', 'RESIZE'], ['VERIFY_RESIZE', 'RESIZED'], resized, signal);
    if (server.status !== 'VERIFY_RESIZE') return instanceOf(server);
    await compute.action(id, { confirmResize: null }, signal);
    return instanceOf(await this.#server(`server ${id} to confirm its resize`, id, ['busy', 'VERIFY_RESIZE'], ['ACTIVE', 'SHUTOFF'], phase, signal));
  }

  /**
   * Captures the server's disk; returns once Nova has finished with the server (its image tasks
   * over), so the image is complete when the platform records it. The catalog goes in the
   * image's properties.
   */
  async capture(id: string, name: string, catalog: string, signal: AbortSignal): Promise<CloudImage> {
    const imageId = await this.apis.compute.captureImage(id, name, { maestro_catalog: catalog }, signal);
    await this.#server(`server ${id} to finish capturing image ${imageId}`, id, ['busy'], ['ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED'], phase, signal);
    return imageOf(await this.apis.images.getImage(imageId, signal));
  }

  async createVolume(request: { name: string; sizeGb: number }, signal: AbortSignal): Promise<CloudVolume> {
    const volume = await this.apis.volumes.createVolume(request, signal);
    return this.#volume(`volume ${volume.id} to be created`, volume.id, ['creating'], ['available'], signal);
  }

  async attachVolume(volumeId: string, serverId: string, signal: AbortSignal): Promise<void> {
    await this.apis.compute.attachVolume(serverId, volumeId, signal);
    await this.#volume(`volume ${volumeId} to be attached`, volumeId, ['available', 'reserved', 'attaching'], ['in-use'], signal);
  }

  async detachVolume(volumeId: string, signal: AbortSignal): Promise<void> {
    const { attachedTo } = volumeOf(await this.apis.volumes.getVolume(volumeId, signal));
    if (!attachedTo) throw new CloudError('conflict', `volume ${volumeId} is not attached`);
    await this.apis.compute.detachVolume(attachedTo, volumeId, signal);
    await this.#volume(`volume ${volumeId} to be detached`, volumeId, ['in-use', 'detaching'], ['available'], signal);
  }

  #server(what: string, id: string, pending: string[], target: string[], state: (server: NovaServer) => string, signal: AbortSignal): Promise<NovaServer> {
    return waitForState({
      what,
      pending,
      target,
      refresh: async () => {
        const server = await this.apis.compute.getServer(id, signal);
        return { state: state(server), value: server, detail: [progressOf(server), server.fault?.message].filter(Boolean).join(': ') };
      },
      ...this.#timing(signal),
    });
  }

  #volume(what: string, id: string, pending: string[], target: string[], signal: AbortSignal): Promise<CloudVolume> {
    return waitForState({
      what,
      pending,
      target,
      refresh: async () => {
        const volume = await this.apis.volumes.getVolume(id, signal);
        return { state: volume.status, value: volumeOf(volume) };
      },
      ...this.#timing(signal),
    });
  }

  #timing(signal: AbortSignal) {
    return { timeoutMs: this.timeouts.operationMs, minPollMs: this.timeouts.pollMs, clock: this.clock, signal };
  }
}
