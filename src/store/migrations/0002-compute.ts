/**
 * Compute read models (instances, volumes, images, SSH keys, custom shapes) and the private
 * state of the simulated cloud. The `sim_` tables are the simulator's own store, the way a real
 * cloud keeps its own database: they are not projections and a rebuild leaves them alone.
 */
import { simTables } from '../../clouds/sim/schema.js';

export default {
  version: 2,
  name: 'compute',
  sql: /* sql */ `
CREATE TABLE region_shapes (
  region_id  uuid NOT NULL,
  name       text NOT NULL,
  cpu        integer NOT NULL,
  ram_mb     integer NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (region_id, name)
);

CREATE TABLE images (
  id                 uuid PRIMARY KEY,
  region_id          uuid NOT NULL,
  tenant_id          uuid,
  name               text NOT NULL,
  native_id          text NOT NULL,
  os                 text NOT NULL,
  state              text NOT NULL,
  min_disk_gb        integer NOT NULL,
  source_instance_id uuid,
  owner_id           uuid,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL
);
-- Image names are unique per catalog: the region's public catalog, or a tenant's private one.
CREATE UNIQUE INDEX images_catalog_name ON images (region_id, COALESCE(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), name)
  WHERE state <> 'deleted';
CREATE INDEX images_tenant ON images (tenant_id, region_id);

CREATE TABLE ssh_keys (
  id          uuid PRIMARY KEY,
  tenant_id   uuid NOT NULL,
  name        text NOT NULL,
  public_key  text NOT NULL,
  fingerprint text NOT NULL,
  owner_id    uuid,
  created_at  timestamptz NOT NULL,
  CONSTRAINT ssh_keys_name_unique UNIQUE (tenant_id, name) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE instances (
  id                     uuid PRIMARY KEY,
  tenant_id              uuid NOT NULL,
  region_id              uuid NOT NULL,
  native_id              text NOT NULL,
  name                   text NOT NULL,
  state                  text NOT NULL,
  shape                  text,
  cpu                    integer NOT NULL,
  ram_mb                 integer NOT NULL,
  disk_gb                integer NOT NULL,
  image_id               uuid,
  key_name               text,
  owner_id               uuid,
  managed                boolean NOT NULL,
  termination_protection boolean NOT NULL,
  tags                   jsonb NOT NULL,
  tags_folded            jsonb NOT NULL,
  stop_after             timestamptz,
  terminate_after        timestamptz,
  state_reason           text,
  launched_at            timestamptz NOT NULL,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL
);
CREATE UNIQUE INDEX instances_native ON instances (region_id, native_id);
CREATE INDEX instances_tenant ON instances (tenant_id, id);
CREATE INDEX instances_tenant_state ON instances (tenant_id, state, id);
CREATE INDEX instances_tags ON instances USING gin (tags jsonb_path_ops);
CREATE INDEX instances_tags_folded ON instances USING gin (tags_folded jsonb_path_ops);

CREATE TABLE volumes (
  id           uuid PRIMARY KEY,
  tenant_id    uuid NOT NULL,
  region_id    uuid NOT NULL,
  native_id    text NOT NULL,
  name         text NOT NULL,
  size_gb      integer NOT NULL,
  state        text NOT NULL,
  instance_id  uuid,
  owner_id     uuid,
  tags         jsonb NOT NULL,
  tags_folded  jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX volumes_tenant ON volumes (tenant_id, id);
CREATE INDEX volumes_instance ON volumes (instance_id);
CREATE INDEX volumes_tags ON volumes USING gin (tags jsonb_path_ops);

${simTables}`,
};
