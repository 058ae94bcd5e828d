/** What one discovery pass over a region found (regions.discover, the recurring discovery job). */
export interface DiscoveryReport {
  region: string;
  discovered: number;
  vanished: number;
  unchanged: number;
  /** Instances found that no tenant of the region could own (no tenant is activated there). */
  unassigned: number;
  milliseconds: number;
}
