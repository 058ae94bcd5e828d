/** `tenantGroups` → `tenant-groups`, `setPassword` → `set-password`: how names appear on the command line. */
export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** `displayName` → `display name`, for default help texts. */
export function words(name: string): string {
  return kebab(name).replace(/-/g, ' ');
}
