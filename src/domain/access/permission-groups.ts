import {
  grantableActions,
  permissionActions,
  type PermissionAction,
  type PermissionCategory,
} from '../../protocol/permissions.js';

/**
 * The nine default permission groups of seed §3.2.1, derived from the catalog's categories so
 * that a new action lands in the right groups without anyone editing a list:
 *
 * | group | holds |
 * | --- | --- |
 * | Full_Access | every grantable action, page and wizard |
 * | Read_Only | every grantable action that only reads, and every page |
 * | Resources_Management | instances, volumes, images, keys, tags: everything |
 * | Resources_Management_ReadOnly | the same, reading only |
 * | Billing | reports, prices, quotas: everything |
 * | Billing_ReadOnly | the same, reading only |
 * | Manage_Cloud | the customer's organisation and permissions management |
 * | Manage_Cloud_ReadOnly | the same, reading only |
 * | Basic | status, my tenants, my permissions, notifications |
 */
export const defaultGroupNames = [
  'Full_Access',
  'Read_Only',
  'Resources_Management',
  'Resources_Management_ReadOnly',
  'Billing',
  'Billing_ReadOnly',
  'Manage_Cloud',
  'Manage_Cloud_ReadOnly',
  'Basic',
] as const;
export type DefaultGroupName = (typeof defaultGroupNames)[number];

const select = (categories: readonly PermissionCategory[], readOnly: boolean): PermissionAction[] =>
  grantableActions.filter((action) => {
    const spec = permissionActions[action];
    return categories.includes(spec.category) && (!readOnly || spec.readOnly);
  });

const everyCategory: PermissionCategory[] = ['resources', 'billing', 'administration', 'basic'];

export const defaultGroups: Readonly<Record<DefaultGroupName, readonly PermissionAction[]>> = {
  Full_Access: select(everyCategory, false),
  Read_Only: select(everyCategory, true),
  Resources_Management: select(['resources'], false),
  Resources_Management_ReadOnly: select(['resources'], true),
  Billing: select(['billing'], false),
  Billing_ReadOnly: select(['billing'], true),
  Manage_Cloud: select(['administration'], false),
  Manage_Cloud_ReadOnly: select(['administration'], true),
  Basic: select(['basic'], false),
};

export function isDefaultGroup(name: string): name is DefaultGroupName {
  return (defaultGroupNames as readonly string[]).includes(name);
}
