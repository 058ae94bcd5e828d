/**
 * The simulator's own tables, the way a real cloud keeps its own database: in Maestro's database
 * where the server calls the simulator itself (migration 0002), in an agent's store where an agent
 * serves a simulated region (the embedded default). Not projections: a rebuild leaves them alone.
 */
export const simTables = `CREATE TABLE sim_regions (
  native_name   text PRIMARY KEY,
  cpu           integer NOT NULL,
  ram_mb        bigint NOT NULL,
  disk_gb       bigint NOT NULL,
  latency_ms    integer NOT NULL,
  faults        jsonb NOT NULL DEFAULT '[]'::jsonb,
  next_id       bigint NOT NULL DEFAULT 1
);

CREATE TABLE sim_vms (
  region       text NOT NULL,
  native_id    text NOT NULL,
  name         text NOT NULL,
  state        text NOT NULL,
  cpu          integer NOT NULL,
  ram_mb       integer NOT NULL,
  disk_gb      integer NOT NULL,
  image        text,
  public_key   text,
  user_data    text,
  tags         jsonb NOT NULL,
  launched_at  timestamptz NOT NULL,
  due_at       timestamptz,
  reported     boolean NOT NULL DEFAULT true,
  PRIMARY KEY (region, native_id)
);
CREATE INDEX sim_vms_due ON sim_vms (region, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX sim_vms_unreported ON sim_vms (region) WHERE NOT reported;

CREATE TABLE sim_volumes (
  region      text NOT NULL,
  native_id   text NOT NULL,
  name        text NOT NULL,
  size_gb     integer NOT NULL,
  attached_to text,
  PRIMARY KEY (region, native_id)
);

CREATE TABLE sim_images (
  region     text NOT NULL,
  native_id  text NOT NULL,
  catalog    text NOT NULL,
  name       text NOT NULL,
  os         text NOT NULL,
  min_disk_gb integer NOT NULL,
  PRIMARY KEY (region, native_id),
  UNIQUE (region, catalog, name)
);
`;

/**
 * The simulator's networks (VLANs), the interface each VM has on one of them, and the public
 * addresses allocated from its external network: added after the tables above (migration 0024,
 * the agent store's step 3).
 */
export const simNetworkTables = `CREATE TABLE sim_networks (
  region     text NOT NULL,
  native_id  text NOT NULL,
  name       text NOT NULL,
  vlan_id    integer NOT NULL,
  external   boolean NOT NULL,
  shared     boolean NOT NULL,
  cidr       text NOT NULL,
  next_host  bigint NOT NULL DEFAULT 2,
  PRIMARY KEY (region, native_id),
  UNIQUE (region, name)
);

CREATE TABLE sim_ports (
  region    text NOT NULL,
  instance  text NOT NULL,
  network   text NOT NULL,
  address   text NOT NULL,
  PRIMARY KEY (region, instance)
);

CREATE TABLE sim_public_ips (
  region          text NOT NULL,
  native_id       text NOT NULL,
  address         text NOT NULL,
  network         text NOT NULL,
  instance        text,
  private_address text,
  PRIMARY KEY (region, native_id),
  UNIQUE (region, address)
);
CREATE UNIQUE INDEX sim_public_ips_instance ON sim_public_ips (region, instance) WHERE instance IS NOT NULL;
`;

const ifMissing = (ddl: string) => ddl.replaceAll('CREATE TABLE ', 'CREATE TABLE IF NOT EXISTS ').replaceAll('CREATE INDEX ', 'CREATE INDEX IF NOT EXISTS ').replaceAll('CREATE UNIQUE INDEX ', 'CREATE UNIQUE INDEX IF NOT EXISTS ');

/** The same tables for a store that runs every statement of a step again after a start that died half-way. */
export const simTablesIfMissing = ifMissing(simTables);
export const simNetworkTablesIfMissing = ifMissing(simNetworkTables);
