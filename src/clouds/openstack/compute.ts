import type { CloudShape } from '../driver.js';
import type { OpenStackClient } from './client.js';
import { negotiate } from './microversion.js';
import {
  readCapturedImage,
  readComputeVersions,
  readCreatedServer,
  readFlavor,
  readFlavorPage,
  readKeyPair,
  readServer,
  readServerPage,
  type NovaServer,
} from './parse/compute.js';
import { CloudError } from '../driver.js';

/** The body of POST /servers, in Nova's words. */
export interface NovaServerRequest {
  name: string;
  flavorRef: string;
  imageRef: string;
  key_name?: string;
  user_data?: string;
  metadata?: Record<string, string>;
  networks: 'auto' | 'none' | Array<{ uuid: string }>;
  security_groups?: Array<{ name: string }>;
}

/** Nova (compute): API calls only; the answers are read by parse/compute.ts. */
export class ComputeApi {
  constructor(
    private readonly client: OpenStackClient,
    private readonly pageSize: number | undefined,
  ) {}

  /** Reads the versions document and asks for the highest microversion both sides speak from now on. */
  async negotiate(signal?: AbortSignal): Promise<string> {
    const answer = await this.client.request('compute', 'GET', '', signal ? { signal } : {});
    const version = negotiate(readComputeVersions(answer.text));
    this.client.useComputeVersion(version);
    return version;
  }

  /**
   * Every server of the project, page after page, each once; with `changesSince`, deleted ones
   * too. While servers are being built Nova merges its build requests into the pages of servers
   * already in a cell: a server can come twice, and a page can come back short and without a
   * next link although more servers follow (measured on the test cloud). So the listing keeps the
   * first copy of each server and reads on from the last one it got until a read brings nothing
   * new (one more request, answered by an empty page, when nothing was cut).
   */
  async listServers(options: { changesSince?: string; signal?: AbortSignal } = {}): Promise<NovaServer[]> {
    const query = { limit: this.pageSize, 'changes-since': options.changesSince };
    const read = (marker?: string) =>
      this.client.listByLink('compute', '/servers/detail', marker ? { ...query, marker } : query, readServerPage, 'servers', options.signal);
    const byId = new Map<string, NovaServer>();
    /** Keeps the servers not seen before; returns them. */
    const keepNew = (servers: readonly NovaServer[]) => {
      const fresh: NovaServer[] = [];
      for (const server of servers) {
        if (byId.has(server.id)) continue;
        byId.set(server.id, server);
        fresh.push(server);
      }
      return fresh;
    };
    for (let last = keepNew(await read()).at(-1); last; ) last = keepNew(await read(last.id)).at(-1);
    return [...byId.values()];
  }

  async getServer(id: string, signal?: AbortSignal): Promise<NovaServer> {
    return readServer((await this.client.request('compute', 'GET', `/servers/${encodeURIComponent(id)}`, signal ? { signal } : {})).text);
  }

  async createServer(server: NovaServerRequest, signal?: AbortSignal): Promise<string> {
    return readCreatedServer((await this.client.request('compute', 'POST', '/servers', { body: { server }, ...(signal ? { signal } : {}) })).text);
  }

  /** POST /servers/{id}/action with one action (`{"os-stop": null}`, `{"reboot": {"type": "SOFT"}}` …). */
  async action(id: string, action: Record<string, unknown>, signal?: AbortSignal): Promise<string> {
    return (await this.client.request('compute', 'POST', `/servers/${encodeURIComponent(id)}/action`, { body: action, ...(signal ? { signal } : {}) })).text;
  }

  async deleteServer(id: string, signal?: AbortSignal): Promise<void> {
    await this.client.request('compute', 'DELETE', `/servers/${encodeURIComponent(id)}`, signal ? { signal } : {});
  }

  /** Replaces the server's metadata (the platform's tags) as a whole. */
  async setMetadata(id: string, metadata: Record<string, string>, signal?: AbortSignal): Promise<void> {
    await this.client.request('compute', 'PUT', `/servers/${encodeURIComponent(id)}/metadata`, { body: { metadata }, ...(signal ? { signal } : {}) });
  }

  listFlavors(signal?: AbortSignal): Promise<CloudShape[]> {
    return this.client.listByLink('compute', '/flavors/detail', { limit: this.pageSize }, readFlavorPage, 'flavors', signal);
  }

  async getFlavor(id: string, signal?: AbortSignal): Promise<CloudShape> {
    return readFlavor((await this.client.request('compute', 'GET', `/flavors/${encodeURIComponent(id)}`, signal ? { signal } : {})).text);
  }

  /** The key pair of that name, or null when the project has none. */
  async findKeyPair(name: string, signal?: AbortSignal): Promise<{ name: string; fingerprint: string } | null> {
    try {
      return readKeyPair((await this.client.request('compute', 'GET', `/os-keypairs/${encodeURIComponent(name)}`, signal ? { signal } : {})).text);
    } catch (error) {
      if (error instanceof CloudError && error.reason === 'not_found') return null;
      throw error;
    }
  }

  async importKeyPair(name: string, publicKey: string, signal?: AbortSignal): Promise<{ name: string; fingerprint: string }> {
    const body = { keypair: { name, public_key: publicKey, type: 'ssh' } };
    return readKeyPair((await this.client.request('compute', 'POST', '/os-keypairs', { body, ...(signal ? { signal } : {}) })).text);
  }

  async deleteKeyPair(name: string, signal?: AbortSignal): Promise<void> {
    await this.client.request('compute', 'DELETE', `/os-keypairs/${encodeURIComponent(name)}`, signal ? { signal } : {});
  }

  /** Starts capturing the server's disk as an image; answers with the image's id. */
  async captureImage(id: string, name: string, metadata: Record<string, string>, signal?: AbortSignal): Promise<string> {
    return readCapturedImage(await this.action(id, { createImage: { name, metadata } }, signal));
  }

  async attachVolume(serverId: string, volumeId: string, signal?: AbortSignal): Promise<void> {
    const body = { volumeAttachment: { volumeId } };
    await this.client.request('compute', 'POST', `/servers/${encodeURIComponent(serverId)}/os-volume_attachments`, { body, ...(signal ? { signal } : {}) });
  }

  async detachVolume(serverId: string, volumeId: string, signal?: AbortSignal): Promise<void> {
    const path = `/servers/${encodeURIComponent(serverId)}/os-volume_attachments/${encodeURIComponent(volumeId)}`;
    await this.client.request('compute', 'DELETE', path, signal ? { signal } : {});
  }
}
