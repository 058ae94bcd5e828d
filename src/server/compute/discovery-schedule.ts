import type { Services } from '../context.js';
import type { Logger } from '../logger.js';
import { allRegionRefs } from '../queries/compute.js';

/**
 * Runs discovery in every region with a driver, every interval (default 30 minutes, as the seed's
 * VMware agent does). Nodes sharing a database serialise per region on an advisory lock inside
 * discovery, so running it on every node is safe. (The job engine will take this over.)
 */
export class DiscoverySchedule {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(
    private readonly services: Services,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.#timer = setInterval(() => {
      if (!this.#running) this.#running = this.runAll().finally(() => (this.#running = null));
    }, this.intervalMs);
    this.#timer.unref();
  }

  async runAll(): Promise<void> {
    for (const region of await allRegionRefs(this.services.db)) {
      if (!this.services.clouds.has(region.cloud)) continue;
      try {
        const report = await this.services.discover(region.name);
        if (report.discovered + report.vanished > 0) this.logger.info(report, 'discovery found changes');
      } catch (error) {
        this.logger.error({ err: error, region: region.name }, 'discovery failed');
      }
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }
}
