import type { Services } from '../context.js';
import type { Logger } from '../logger.js';
import { allRegionRefs } from '../queries/compute.js';
import type { DiscoveryReport } from './discovery-report.js';

/**
 * Discovery in every region with a driver, one after the other: what the recurring job
 * `compute.discovery` runs every `MAESTRO_DISCOVERY_INTERVAL_MINUTES` (default 30, as the seed's
 * VMware agent does). A region that fails is logged and the others still run. Nodes serialise per
 * region on an advisory lock inside discovery, so a run overlapping a `regions.discover` is safe.
 */
export async function discoverEveryRegion(services: Services, logger: Logger): Promise<DiscoveryReport[]> {
  const reports: DiscoveryReport[] = [];
  for (const region of await allRegionRefs(services.db)) {
    // Agents send listings of the regions they serve on their own (docs/agent.md).
    if (region.agentId !== null || !services.clouds.has(region.cloud)) continue;
    try {
      const report = await services.discover(region.name);
      reports.push(report);
      if (report.discovered + report.vanished > 0) logger.info(report, 'discovery found changes');
    } catch (error) {
      logger.error({ err: error, region: region.name }, 'discovery failed');
    }
  }
  return reports;
}
