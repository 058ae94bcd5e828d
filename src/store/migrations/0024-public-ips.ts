import { simNetworkTables } from '../../clouds/sim/schema.js';

/**
 * Networks and public IPs (docs/networks.md): the public addresses tenants hold, the networks
 * (VLANs) activated for a tenant in a region, the quota on addresses held, and the simulator's
 * own networks, interfaces and addresses (src/clouds/sim/schema.ts, the agent store's step 3).
 */
export default {
  version: 24,
  name: 'public-ips',
  sql: /* sql */ `
CREATE TABLE public_ips (
  id                uuid PRIMARY KEY,
  tenant_id         uuid NOT NULL,
  region_id         uuid NOT NULL,
  native_id         text NOT NULL,
  address           text NOT NULL,
  network_native_id text NOT NULL,
  instance_id       uuid,
  private_address   text,
  owner_id          uuid,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);
CREATE INDEX public_ips_tenant_region ON public_ips (tenant_id, region_id);
CREATE INDEX public_ips_instance ON public_ips (instance_id) WHERE instance_id IS NOT NULL;

-- A network of a region's cloud a tenant may put its instances on (the original's VLAN activation).
CREATE TABLE tenant_networks (
  tenant_id    uuid NOT NULL,
  region_id    uuid NOT NULL,
  native_id    text NOT NULL,
  name         text NOT NULL,
  description  text NOT NULL,
  activated_by uuid,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, region_id, native_id)
);

-- How many public addresses a tenant may hold at once: in one region, or in all (place 'all').
CREATE TABLE public_ip_quotas (
  tenant_id     uuid NOT NULL,
  place         text NOT NULL,
  region_id     uuid,
  max_addresses integer NOT NULL,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, place)
);

${simNetworkTables}`,
};
