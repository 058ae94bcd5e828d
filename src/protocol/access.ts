/** The four levels of a permission mapping (seed §3.2.1), lowest priority last. */
export const mappingLevels = ['user', 'role', 'tenant', 'customer'] as const;
export type MappingLevel = (typeof mappingLevels)[number];
