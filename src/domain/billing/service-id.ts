import { createHash } from 'node:crypto';

/**
 * The resource id of a tenant's service fee in a region: derived, so that activating the tenant
 * there again continues the same timeline, and a replay of the log finds the same id.
 */
export function serviceResourceId(tenantId: string, regionId: string): string {
  const hex = createHash('sha1').update(`service:${tenantId}:${regionId}`).digest('hex');
  // Shaped as a version-5 UUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
