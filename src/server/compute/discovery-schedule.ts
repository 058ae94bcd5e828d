import type { Services } from '../context.js';
import { CoalescingRunner } from '../coalescing-runner.js';
import type { Logger } from '../logger.js';
import { allRegionRefs } from '../queries/compute.js';

/**
 * Runs discovery in every region with a driver, every interval (default 30 minutes, as the seed's
 * VMware agent does). Nodes sharing a database serialise per region on an advisory lock inside
 * discovery, so running it on every node is safe. (The job engine will take this over.)
 */
export class DiscoverySchedule {
  readonly #runner: CoalescingRunner;

  constructor(
    private readonly services: Services,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    this.#runner = new CoalescingRunner(() => this.runAll(), intervalMs, (error) => this.logger.error({ err: error }, 'discovery failed'));
  }

  start(): void {
    this.#runner.start();
  }

  stop(): Promise<void> {
    return this.#runner.stop();
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
}
