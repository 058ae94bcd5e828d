import type { Clock } from '../../domain/clock.js';
import { BlockStorageApi } from './block-storage.js';
import type { OpenStackClient } from './client.js';
import { ComputeApi } from './compute.js';
import type { OpenStackRegionConfig } from './config.js';
import { ImageApi } from './image.js';
import { NetworkApi } from './network.js';
import { PublicIps } from './public-ips.js';
import { Waits } from './waits.js';

/**
 * The services of one project, reached with one login: the region's own project, or the project
 * a tenant is mapped to. Everything a call does goes through the project of the call's tenant.
 */
export class ProjectApis {
  readonly compute: ComputeApi;
  readonly images: ImageApi;
  readonly network: NetworkApi;
  readonly volumes: BlockStorageApi;
  readonly publicIps: PublicIps;
  readonly waits: Waits;
  /** The cloud's time of the newest change this project's polls have seen (Nova's changes-since). */
  since: string | null = null;

  constructor(
    readonly client: OpenStackClient,
    config: Pick<OpenStackRegionConfig, 'pageSize' | 'timeouts'>,
    clock: Clock,
    /** The Maestro tenant that works in this project; null for the region's own. */
    readonly tenant: string | null,
  ) {
    this.compute = new ComputeApi(client, config.pageSize);
    this.images = new ImageApi(client, config.pageSize);
    this.network = new NetworkApi(client, config.pageSize);
    this.volumes = new BlockStorageApi(client, config.pageSize);
    this.publicIps = new PublicIps(this.network);
    this.waits = new Waits({ compute: this.compute, images: this.images, volumes: this.volumes }, config.timeouts, clock);
  }
}
