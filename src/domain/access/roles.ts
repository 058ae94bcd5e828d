import type { DefaultGroupName } from './permission-groups.js';

/**
 * The roles every customer has. A customer can add its own roles; these cannot be changed or
 * deleted, only blocked in a tenant or overridden there by a role mapping.
 */
export const builtInRoles: Readonly<Record<string, { description: string; groups: readonly DefaultGroupName[] }>> = {
  admin: { description: 'Everything in the tenant, including its users and permissions', groups: ['Full_Access'] },
  user: {
    description: 'Runs and manages resources, sees what they cost',
    groups: ['Resources_Management', 'Billing_ReadOnly', 'Basic'],
  },
  billing: { description: 'Reports, prices and quotas; sees resources', groups: ['Billing', 'Resources_Management_ReadOnly', 'Basic'] },
  readonly: { description: 'Sees everything, changes nothing', groups: ['Read_Only', 'Basic'] },
};

export function isBuiltInRole(name: string): boolean {
  return Object.hasOwn(builtInRoles, name);
}
