import type { SshKey } from '../../../protocol/commands/compute-schemas.js';
import { AppError, invalidInput, invalidState, notFound } from '../../../protocol/errors.js';
import { defineAction, epochMs, type Commands } from '../action.js';
import { cloudParam, m3, wireParams } from '../params.js';
import { isForbidden, refuseOtherCloud, regionParam, tenantParam, tenantsWhere } from './compute-common.js';

/**
 * The SSH key actions. The original keeps keys per user and applies them to tenants, clouds and
 * regions; ours belong to a tenant and serve all its regions. So a key is created or imported in
 * each tenant asked for, listed per tenant, and deleting one by name deletes the caller's keys of
 * that name in every tenant.
 */

const keyView = (key: SshKey, where: { cloud: string | null; region: string | null }, me: { name: string; email: string | null }) => ({
  name: key.name,
  status: null,
  cloud: where.cloud,
  tenant: key.tenant,
  region: where.region,
  email: key.owner === me.name ? me.email : null,
  owner: key.owner,
  fingerprint: key.fingerprint,
  publicPart: key.publicKey,
  createdDate: epochMs(key.createdAt),
});

const whoami = async (maestro: Commands) => {
  const me = await maestro.users.whoami({});
  return { name: me.name, email: me.email };
};

/**
 * The command-line client cuts an imported key file at its first `==` (the base64 padding):
 * put the padding back so the key parses.
 */
function repairPadding(publicKey: string): string {
  const [type, body, ...rest] = publicKey.trim().split(/\s+/);
  if (body === undefined || rest.length > 0 || body.length % 4 !== 2) return publicKey;
  return `${type} ${body}==`;
}

/** Calls `fn` in each tenant; one tenant's refusal is its row's errorMessage, unless every tenant refused. */
async function inEachTenant<T>(tenants: readonly string[], fn: (tenant: string) => Promise<T>) {
  const rows: Array<{ tenant: string; result: T | null; errorMessage: string | null }> = [];
  for (const tenant of tenants) {
    try {
      rows.push({ tenant, result: await fn(tenant), errorMessage: null });
    } catch (error) {
      if (!(error instanceof AppError) || tenants.length === 1) throw error;
      rows.push({ tenant, result: null, errorMessage: error.message });
    }
  }
  if (rows.every((row) => row.result === null)) {
    throw new AppError('invalid_state', `no tenant took the key: ${rows.map((r) => `${r.tenant}: ${r.errorMessage}`).join('; ')}`);
  }
  return rows;
}

/**
 * ADD_KEY: create-key (sshKeys.create; the private key is returned this once) or import-key
 * (sshKeys.import of publicKey, which the command-line client reads from the file it names).
 */
export const addKey = defineAction({
  action: 'ADD_KEY',
  params: wireParams({
    name: m3.text(128),
    publicKey: m3.text(16384).optional(),
    filepath: m3.text(4096).optional(),
    cloud: cloudParam().optional(),
    tenantName: tenantParam().optional(),
    allTenants: m3.flag().optional(),
    region: regionParam().optional(),
    // Where the client saves the generated key: its own business.
    path: m3.text(4096).optional(),
  }),
  async run(params, { maestro }) {
    if (params.tenantName === undefined && params.allTenants !== true) {
      throw invalidInput('give tenantName, or allTenants for every tenant you can see', { field: 'tenantName' });
    }
    if (params.publicKey === undefined && params.filepath !== undefined) {
      throw invalidInput('filepath names a file on the client; send the public key itself as publicKey (the command-line client does)', {
        field: 'filepath',
      });
    }
    const regionCloud = params.region !== undefined && params.cloud !== undefined ? await refuseOtherCloud(maestro, params.region, params.cloud) : null;
    const where = { cloud: regionCloud ?? params.cloud ?? null, region: params.region ?? null };
    const tenants = await tenantsWhere(maestro, { tenant: params.tenantName, region: params.region, cloud: params.cloud });
    if (tenants.length === 0) {
      const which = params.tenantName !== undefined ? `tenant ${params.tenantName} is` : 'none of your tenants is';
      throw invalidState(`${which} active in the region and cloud given`);
    }
    const me = await whoami(maestro);
    if (params.publicKey === undefined) {
      // One generated pair per tenant would mean several private keys: generate in one, import its public part elsewhere.
      if (params.allTenants === true) {
        throw invalidInput('create a key in one tenant, then import-key its public part with allTenants', { field: 'allTenants' });
      }
      const key = await maestro.sshKeys.create({ tenant: tenants[0]!, name: params.name });
      return { ...keyView(key, where, me), privatePart: key.privateKey, path: null };
    }
    const publicKey = repairPadding(params.publicKey);
    const rows = await inEachTenant(tenants, (tenant) => maestro.sshKeys.import({ tenant, name: params.name, publicKey }));
    const [first] = rows.flatMap((row) => (row.result ? [row.result] : []));
    return {
      ...keyView(first!, where, me),
      tenant: params.allTenants === true ? null : first!.tenant,
      path: null,
      tenants: rows.map((row) => ({ tenant: row.tenant, errorMessage: row.errorMessage })),
    };
  },
});

/** DESCRIBE_KEYS: the keys of one tenant, or of every tenant the caller sees, narrowed to a region or cloud. */
export const describeKeys = defineAction({
  action: 'DESCRIBE_KEYS',
  params: wireParams({
    tenantName: tenantParam().optional(),
    cloud: cloudParam().optional(),
    name: m3.text(128).optional(),
    region: regionParam().optional(),
  }),
  async run(params, { maestro }) {
    const tenants = await tenantsWhere(maestro, { tenant: params.tenantName, region: params.region, cloud: params.cloud });
    const me = await whoami(maestro);
    const where = { cloud: params.cloud ?? null, region: params.region ?? null };
    const rows = [];
    for (const tenant of tenants) {
      try {
        const { items } = await maestro.sshKeys.describe({ tenant, ...(params.name !== undefined ? { name: params.name } : {}) });
        rows.push(...items.map((key) => keyView(key, where, me)));
      } catch (error) {
        // Looking across tenants: skip those whose keys the caller may not see.
        if (params.tenantName !== undefined || !isForbidden(error)) throw error;
      }
    }
    return rows;
  },
});

/** DELETE_KEY: the caller's keys of that name, in every tenant they are in. */
export const deleteKey = defineAction({
  action: 'DELETE_KEY',
  params: wireParams({ name: m3.text(128) }),
  async run(params, { maestro, actor }) {
    const deleted: string[] = [];
    // Tenants whose keys the caller may not see hold none of theirs to delete.
    for (const tenant of await tenantsWhere(maestro, {})) {
      let keys: SshKey[];
      try {
        keys = (await maestro.sshKeys.describe({ tenant, name: params.name })).items;
      } catch (error) {
        if (isForbidden(error)) continue;
        throw error;
      }
      for (const key of keys.filter((k) => k.owner === actor.name)) {
        await maestro.sshKeys.delete({ tenant, name: key.name });
        deleted.push(tenant);
      }
    }
    if (deleted.length === 0) throw notFound('SSH key', params.name, 'describe-keys lists your keys');
    return { name: params.name, tenants: deleted };
  },
});

export const keyActions = [addKey, describeKeys, deleteKey];
