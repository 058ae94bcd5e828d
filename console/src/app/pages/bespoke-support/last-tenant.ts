/**
 * The tenant the user chose last, shared with the generic tables (shared/command-table keeps it
 * under the same key), so a page opened from a table (an instance's detail) knows its tenant.
 */
const lastTenantKey = 'maestro.lastTenant';

export function lastTenant(): string | null {
  try {
    return localStorage.getItem(lastTenantKey);
  } catch {
    return null;
  }
}

export function rememberTenant(tenant: string): void {
  try {
    localStorage.setItem(lastTenantKey, tenant);
  } catch {
    // Private mode or storage full: the URL still carries the tenant.
  }
}
