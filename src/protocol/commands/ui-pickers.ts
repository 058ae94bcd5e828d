import type { FieldHint } from '../ui-hints.js';

/**
 * The pickers many forms share: choose a tenant, a region of it, an instance of it… Each lists
 * with a read command, searches by the typed text on the server (`search`) and pages, and takes
 * the fields it depends on from the form ('$tenant'). Written once so every wizard picks alike.
 */

export const customerPicker: FieldHint<never> = {
  label: 'Customer',
  picker: { command: 'customers.describe', value: 'name', label: 'name', detail: 'displayName', search: 'search' },
};

export const tenantPicker: FieldHint<never> = {
  label: 'Tenant',
  picker: { command: 'tenants.describe', value: 'name', detail: 'displayName', search: 'search' },
};

/** Regions the form's tenant is activated in. */
export const tenantRegionPicker: FieldHint<never> = {
  label: 'Region',
  picker: { command: 'regions.describe', value: 'name', detail: 'cloud', search: 'search', params: { tenant: '$tenant' } },
};

/** Any region (platform forms: regions are not a tenant's there). */
export const regionPicker: FieldHint<never> = {
  label: 'Region',
  picker: { command: 'regions.describe', value: 'name', detail: 'cloud', search: 'search' },
};

/** The form's tenant's instances, by id, shown by name. */
export const instancePicker: FieldHint<never> = {
  label: 'Instance',
  picker: { command: 'instances.describe', value: 'id', label: 'name', detail: 'state', search: 'search', params: { tenant: '$tenant' } },
};

export const userPicker: FieldHint<never> = {
  label: 'User',
  picker: { command: 'users.describe', value: 'name', detail: 'displayName', search: 'search' },
};

export const rolePicker: FieldHint<never> = {
  label: 'Role',
  picker: { command: 'roles.describe', value: 'name', detail: 'description', search: 'search' },
};
