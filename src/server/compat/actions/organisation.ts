import { defineAction, epochMs, everyPage } from '../action.js';
import { answersTo, regionsAnswering, regionsByName } from '../client-clouds.js';
import { cloudParam, m3, wireParams } from '../params.js';


/** DESCRIBE_TENANTS: one row per tenant and activated region, as the client prints them. */
export const describeTenants = defineAction({
  action: 'DESCRIBE_TENANTS',
  params: wireParams({
    tenantNames: m3.list().optional(),
    cloud: cloudParam().optional(),
    inactive: m3.flag().optional(),
    hidden: m3.flag().optional(),
    all: m3.flag().optional(),
    // The command-line client's plugin adds it for --full; every field is always in the answer.
    full: m3.flag().optional(),
  }),
  async run(params, { maestro }) {
    const wanted = params.tenantNames?.map((name) => name.toUpperCase());
    const tenants = (await everyPage((page) => maestro.tenants.describe(page))).filter(
      (t) =>
        (wanted === undefined || wanted.includes(t.name)) &&
        (params.all === true || (params.inactive === true ? t.status === 'inactive' : t.status === 'active')),
    );
    const known = params.cloud !== undefined ? await regionsByName(maestro) : null;
    return tenants.flatMap((t) => {
      const regions = known ? t.regions.filter((name) => known.has(name) && answersTo(known.get(name)!, params.cloud)) : t.regions;
      if (known && regions.length === 0) return [];
      const row = (region: string | null) => ({
        tenantName: t.name,
        tenantDisplayName: t.displayName,
        region,
        parentTenant: t.group,
        customer: t.customer,
        hidden: false,
        activationDate: epochMs(t.createdAt),
        deactivationDate: t.status === 'inactive' ? epochMs(t.updatedAt) : null,
        tenantManagerContacts: t.contacts,
      });
      return regions.length > 0 ? regions.map(row) : [row(null)];
    });
  },
});

/** DESCRIBE_REGIONS: the regions of one cloud activated for a tenant. */
export const describeRegions = defineAction({
  action: 'DESCRIBE_REGIONS',
  params: wireParams({
    tenantName: m3.text(64),
    cloud: cloudParam(),
    inactive: m3.flag().optional(),
    includeHidden: m3.flag().optional(),
  }),
  async run(params, { maestro }) {
    const { cloud } = params;
    const tenant = await maestro.tenants.describe({ name: params.tenantName });
    if (cloud === null || tenant.items.length === 0) return [];
    const activated = new Set(tenant.items[0]!.regions);
    const regions = await regionsAnswering(maestro, cloud);
    return regions
      .filter((r) => activated.has(r.name) && (params.inactive === true || r.status === 'active'))
      .map((r) => ({ region: r.name, nativeName: r.nativeName, cloud: r.clientCloud, active: r.status === 'active' }));
  },
});

const environments = ['M3_UI', 'M3_SDK', 'AWS_CONSOLE', 'GOOGLE_CONSOLE', 'AZURE_CONSOLE'] as const;

/** GET_USER_PERMISSIONS: `{permissionGroups}`, what the caller may do in a tenant, one row per permission action. */
export const userPermissions = defineAction({
  action: 'GET_USER_PERMISSIONS',
  params: wireParams({
    tenantName: m3.text(64),
    cloud: cloudParam(),
    env: m3.oneOf(environments),
  }),
  async run(params, { maestro }) {
    const [effective, catalog] = await Promise.all([
      maestro.permissions.describeUser({ tenant: params.tenantName }),
      maestro.permissions.describeActions({}),
    ]);
    const summaries = new Map(catalog.items.map((a) => [a.name, a.summary]));
    const permissionGroups = effective.actions.map((a) => ({
      permissionGroup: a.groups.join(', '),
      name: a.name,
      description: summaries.get(a.name) ?? '',
      role: effective.role,
      policy: 'ALLOW',
    }));
    return { permissionGroups };
  },
});

export const organisationActions = [describeTenants, describeRegions, userPermissions];

